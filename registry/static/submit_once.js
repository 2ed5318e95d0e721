// Forms marked data-submit-once: the first submission disables their buttons, so a
// double click or an impatient second click sends the form only once. The server keeps
// its own guard (a one-use token); this spares the user the second request.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-submit-once]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "1";
      // The buttons' own values are not needed by the server: no form reads them.
      var buttons = form.querySelectorAll("button[type=submit], input[type=submit], button:not([type])");
      Array.prototype.forEach.call(buttons, function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    });
  });
  // Back to a page kept in memory: its form may be sent again (a new copy of it).
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    Array.prototype.forEach.call(forms, function (form) {
      delete form.dataset.submitted;
      Array.prototype.forEach.call(form.querySelectorAll("[aria-busy]"), function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
    });
  });
})();
