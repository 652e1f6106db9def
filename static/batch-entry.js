// Batch entry (templates/income/batch.html): rows typed keyboard-only, one page load per batch.
// Enter adds a row carrying the date and category down; Ctrl+Enter (or the button) books the
// batch; the answer, refusals beside their rows or a fresh batch, replaces the form in place.
(function () {
  "use strict";
  var area = document.getElementById("batch-area");
  if (!area) return;

  function form() { return document.getElementById("batch"); }
  function rows() { return Array.prototype.slice.call(form().querySelectorAll("tr.batch-row")); }
  function known() {
    var names = {};
    form().querySelectorAll("#counterparties option").forEach(function (o) {
      names[o.value.toLocaleLowerCase()] = true;
    });
    return names;
  }

  // An amount as typed in the user's language, for the running tally only; the server parses.
  function amount(text) {
    var decimal = form().getAttribute("data-decimal");
    var plain = (text || "").replace(/[\s\u00a0\u202f']/g, "");
    // "12.50" in Dutch is refused by the server (grouping where decimals belong): no guess here.
    if (decimal === "," && /\.\d{1,2}$/.test(plain)) return null;
    plain = decimal === "," ? plain.replace(/\./g, "").replace(",", ".") : plain.replace(/,/g, "");
    var value = Number(plain);
    return plain && isFinite(value) ? Math.round(value * 100) : null;
  }

  function tally() {
    var count = 0, cents = 0;
    rows().forEach(function (row) {
      var value = amount(row.querySelector("[name$='-amount']").value);
      var typed = ["counterparty", "amount", "description"].some(function (f) {
        return row.querySelector("[name$='-" + f + "']").value.trim() !== "";
      });
      if (typed) count += 1;
      if (value !== null) cents += value;
    });
    var messages = document.getElementById("batch-messages");
    var total = (cents / 100).toLocaleString(form().getAttribute("data-locale"), {
      minimumFractionDigits: 2, maximumFractionDigits: 2
    });
    var text = messages.getAttribute("data-tally")
      .replace("{count}", count).replace("{total}", total);
    var expectedCount = Number(form().elements.expected_count.value);
    var expectedCents = amount(form().elements.expected_total.value);
    var agrees = count === expectedCount && cents === expectedCents;
    var output = document.getElementById("batch-tally");
    output.textContent = text + " " + messages.getAttribute(agrees ? "data-match" : "data-mismatch");
    output.className = agrees ? "at-target" : "";
  }

  function renumber() {
    rows().forEach(function (row, index) {
      row.setAttribute("data-row", index + 1);
      row.querySelector(".row-number").textContent = index + 1;
      row.querySelectorAll("[name^='rows-']").forEach(function (input) {
        input.name = input.name.replace(/^rows-\d+-/, "rows-" + index + "-");
      });
    });
  }

  function addRow(after) {
    var last = after || rows()[rows().length - 1];
    var row = last.cloneNode(true);
    row.classList.remove("has-errors");
    row.querySelectorAll(".field-error, label.warning, .row-outcome").forEach(function (e) { e.remove(); });
    row.querySelectorAll("input").forEach(function (input) {
      if (input.type === "checkbox") input.checked = false;
      else if (!/-date$/.test(input.name)) input.value = "";
    });
    row.querySelector("label.new-donor").hidden = true;
    // The date and the category carry down from the row above.
    row.querySelector("select").value = last.querySelector("select").value;
    last.parentNode.insertBefore(row, last.nextSibling);
    renumber();
    row.querySelector("[name$='-date']").select();
    row.querySelector("[name$='-date']").focus();
    return row;
  }

  function removeRow(row) {
    var all = rows();
    var neighbour = all[all.indexOf(row) + 1] || all[all.indexOf(row) - 1];
    if (!neighbour) {
      addRow(row);
      neighbour = rows()[1];
    }
    row.remove();
    renumber();
    tally();
    neighbour.querySelector("[name$='-date']").focus();
  }

  // A name no donor, funder or agreement has: offer (and tick) "new donor" in the row.
  function checkName(input) {
    var label = input.parentNode.querySelector("label.new-donor");
    var name = input.value.trim().toLocaleLowerCase();
    var unknown = name !== "" && !known()[name];
    label.hidden = !unknown;
    label.querySelector("input").checked = unknown;
  }

  function submit() {
    var data = new FormData(form());
    form().setAttribute("aria-busy", "true");
    fetch(form().action, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      area.innerHTML = html;
      tally();
      var problem = form().querySelector("tr.has-errors input, .batch-head .field-error");
      var target = problem ? (problem.tagName === "INPUT" ? problem : problem.parentNode.querySelector("input"))
        : form().elements.expected_count;
      if (target) target.focus();
      document.dispatchEvent(new CustomEvent("batch:answered"));
    }).catch(function () {
      form().removeAttribute("aria-busy");
      form().submit();  // without the script's way, the plain post still books the batch
    });
  }

  area.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.closest("#batch")) return;
    if (event.target.closest("button, a")) return;  // their own click
    event.preventDefault();
    if (event.ctrlKey || event.metaKey) {
      submit();
      return;
    }
    var row = event.target.closest("tr.batch-row");
    if (row) {
      addRow(row);
    } else {
      var first = rows()[0].querySelector("input");
      first.focus();
      first.select();  // the default date: typing replaces it, Tab keeps it
    }
  });
  area.addEventListener("click", function (event) {
    var remove = event.target.closest(".remove-row");
    if (remove) removeRow(remove.closest("tr.batch-row"));
    if (event.target.closest(".add-row")) addRow();
  });
  area.addEventListener("submit", function (event) {
    event.preventDefault();
    submit();
  });
  area.addEventListener("input", function (event) {
    if (/-counterparty$/.test(event.target.name || "")) checkName(event.target);
    tally();
  });
  area.addEventListener("change", function (event) {
    if (/-counterparty$/.test(event.target.name || "")) checkName(event.target);
  });
  tally();
})();
