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
