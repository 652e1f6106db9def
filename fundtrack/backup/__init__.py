"""Back up and restore a whole installation: the database (archived reports live in it) and the
files in the instance folder (uploads waiting to be booked). `archive.py` does the work;
`flask backup` and `flask restore` call it."""
