// Candidate list: short shareable filter URLs, and a header checkbox for the whole page.
(function () {
  "use strict";

  // Leave blank filters (and defaults) out of the address, so a bookmarked or shared
  // view reads as what was chosen: /candidates/?q=hoa&stage=trained
  var filters = document.querySelector("form[data-testid=filters]");
  if (filters) {
    filters.addEventListener("submit", function () {
      filters.querySelectorAll("input, select").forEach(function (field) {
        var fallback = field.getAttribute("data-default");
        if (field.value === "" || (fallback !== null && field.value === fallback)) {
          field.disabled = true;
        }
      });
    });
  }

  var all = document.getElementById("select-all");
  if (!all) {
    return;
  }
  var rows = function () {
    return Array.prototype.slice.call(document.querySelectorAll("input.row-select"));
  };
  all.addEventListener("change", function () {
    rows().forEach(function (box) {
      box.checked = all.checked;
    });
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList && target.classList.contains("row-select")) {
      var boxes = rows();
      all.checked = boxes.length > 0 && boxes.every(function (box) { return box.checked; });
    }
  });
})();
