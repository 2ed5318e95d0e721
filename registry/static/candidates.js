// Candidate page: "In hồ sơ" prints the page (its print style keeps the record only).
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
})();
// Candidate page: the exit reason only matters when the chosen stage is "exited", so the
// reason box is hidden for every other stage (it stays visible without JavaScript).
(function () {
  "use strict";
  var stage = document.getElementById("stage");
  var box = document.querySelector("[data-exit-reason]");
  if (!stage || !box) {
    return;
  }
  function sync() {
    box.hidden = stage.value !== "exited";
  }
  stage.addEventListener("change", sync);
  sync();
})();
