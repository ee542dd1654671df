// Officer workflow pages: confirmation before irreversible actions, running totals on score and self-assessment
// sheets. Loaded from a static file (strict Content-Security-Policy: no inline scripts).
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  function updateTotals(table) {
    var total = 0;
    var answered = 0;
    var criteria = table.querySelectorAll("[data-criterion]");
    criteria.forEach(function (box) {
      var checked = box.querySelector("input[type=radio]:checked");
      box.classList.toggle("answered", !!checked);
      box.classList.toggle("unanswered", !checked);
      if (checked) {
        answered += 1;
        total += Number(checked.dataset.points || 0);
      }
    });
    table.querySelectorAll("select[data-score-input]").forEach(function (select) {
      var option = select.options[select.selectedIndex];
      if (option && option.value) {
        answered += 1;
        total += Number(option.dataset.points || 0);
      }
    });
    document.querySelectorAll("[data-total-target]").forEach(function (el) { el.textContent = String(total); });
    document.querySelectorAll("[data-answered-target]").forEach(function (el) { el.textContent = String(answered); });
    document.querySelectorAll("[data-count-target]").forEach(function (el) { el.textContent = String(criteria.length); });
  }

  document.querySelectorAll("[data-score-table]").forEach(function (table) {
    table.addEventListener("change", function () { updateTotals(table); });
    updateTotals(table);
  });
})();
