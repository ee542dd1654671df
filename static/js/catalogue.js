// Catalogue filters: apply as soon as a choice changes (the "Áp dụng" button still works without JavaScript),
// and keep the address short by leaving empty fields out of it.
(function () {
  "use strict";
  var form = document.getElementById("catalogue-form");
  if (!form) { return; }

  function dropEmptyFields() {
    form.querySelectorAll("input, select").forEach(function (field) {
      if (field.name && field.type !== "checkbox" && field.value === "") { field.disabled = true; }
    });
    var size = document.getElementById("id_page_size");
    if (size && size.value === "24") { size.disabled = true; }
    var sort = document.getElementById("id_sort");
    if (sort && sort.value === "newest") { sort.disabled = true; }
  }

  form.addEventListener("submit", dropEmptyFields);
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.classList.contains("auto-submit")) { return; }
    if (target.name === "province") {
      // A new province makes the chosen commune / district meaningless.
      form.querySelectorAll("[name=commune], [name=legacy_district]").forEach(function (field) { field.value = ""; });
    }
    dropEmptyFields();
    form.submit();
  });
})();
