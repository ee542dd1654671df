// Statistics: a new province reloads the page with its legacy districts (and forgets the district chosen before).
(function () {
  "use strict";
  var province = document.getElementById("st-province");
  if (!province) { return; }
  province.addEventListener("change", function () {
    var district = document.getElementById("st-district");
    if (district) { district.value = ""; }
    province.form.submit();
  });
})();
