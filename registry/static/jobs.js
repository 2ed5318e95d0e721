// Moves every job progress bar on the page by polling its state; when a job finishes,
// reloads the page, which then shows the job's result. No framework: fetch and the DOM.
(function () {
  "use strict";
  var EVERY_MS = 700;

  function show(box, state) {
    var bar = box.querySelector("[role=progressbar]");
    var phase = box.querySelector("[data-job-phase]");
    if (state.percent === null) {
      bar.classList.add("progress-bar-striped", "progress-bar-animated");
      bar.style.width = "100%";
      bar.removeAttribute("aria-valuenow");
      bar.textContent = "";
    } else {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
      bar.style.width = state.percent + "%";
      bar.setAttribute("aria-valuenow", String(state.percent));
      bar.textContent = state.percent + "%";
    }
    var text = state.phase || "Đang chờ";
    if (state.total) {
      text += " · " + state.done.toLocaleString("vi-VN") + "/" + state.total.toLocaleString("vi-VN");
    }
    if (state.cancelling) {
      text += " · đang hủy…";
    }
    phase.textContent = text;
    var status = document.querySelector("[data-job-status]");
    if (status && state.status === "running") {
      status.textContent = "Đang chạy";
    }
    if (state.committing) {
      var cancel = document.querySelector("[data-job-cancel]");
      if (cancel) {
        cancel.remove();
      }
    }
  }

  function follow(box) {
    var url = box.getAttribute("data-job-state");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (state) {
          if (state.finished) {
            window.location.reload();
            return;
          }
          show(box, state);
          window.setTimeout(poll, EVERY_MS);
        })
        .catch(function () {
          window.setTimeout(poll, EVERY_MS * 4);
        });
    }
    window.setTimeout(poll, EVERY_MS);
  }

  document.querySelectorAll("[data-job-state]").forEach(follow);
})();
