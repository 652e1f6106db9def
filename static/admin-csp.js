// What Flask-Admin's inline onclick handlers did, without inline script (the CSP forbids it).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var confirmButton = event.target.closest("button[data-confirm]");
    if (confirmButton && !window.confirm(confirmButton.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    var addRow = event.target.closest("button[data-inline-add]");
    if (addRow) {
      // An inline list's "Add goal", "Add budget line"...: a new row from its template.
      window.faForm.addInlineField(addRow, addRow.getAttribute("data-inline-add"));
      return;
    }
    var action = event.target.closest("a[data-model-action]");
    if (action) {
      event.preventDefault();
      window.modelActions.execute(action.getAttribute("data-model-action"));
      return;
    }
    if (event.target.closest('a[href="#"]')) {
      event.preventDefault();  // a menu or filter opener, handled by Bootstrap or filters.js
    }
  });
})();
