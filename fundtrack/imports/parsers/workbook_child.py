"""Run as a script in a child process: a workbook's sheets out as JSON lines on stdout.

calamine is native code: a workbook that declares or places a cell far away makes it ask
for hundreds of GiB, and a failed allocation aborts the whole process, which Python cannot
catch. So it never runs in the web or job worker: `sandbox.workbook_lines` starts this
script with `python -I` (only the standard library and calamine are imported) and the limits
below are set before the workbook is opened. A crash ends this process only.

Output: `{"sheet": name}` before each sheet's rows, then `[row number, [cells]]` for every
row that has a value. Cells are JSON: strings, numbers (floats as their shortest repr, so
nothing is rounded), booleans, null, and `{"date": iso}` / `{"datetime": iso}`. A workbook
calamine refuses exits with status 2 and its reason on stderr.
"""

import datetime
import json
import resource
import sys


def _limit(memory_bytes: int, cpu_seconds: int, output_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (output_bytes, output_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _value(value):
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # times and durations: as text, which the mapping refuses clearly


def main(path: str, which: str, max_columns: int) -> int:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

    out = sys.stdout
    try:
        workbook = CalamineWorkbook.from_path(path)
        names = workbook.sheet_names if which == "all" else workbook.sheet_names[:1]
        for name in names:
            out.write(json.dumps({"sheet": name}) + "\n")
            rows = workbook.get_sheet_by_name(name).iter_rows()
            for number, cells in enumerate(rows, start=1):
                values = [_value(value) for value in cells[:max_columns]]
                if any(value not in ("", None) for value in values):
                    out.write(json.dumps([number, values]) + "\n")
    except (CalamineError, PasswordError, XmlError, ZipError, ValueError, OSError) as error:
        sys.stderr.write(str(error)[:500])
        return 2
    out.flush()
    return 0


if __name__ == "__main__":
    file, which, columns, memory, cpu, output = sys.argv[1:7]
    _limit(int(memory), int(cpu), int(output))
    sys.exit(main(file, which, int(columns)))
