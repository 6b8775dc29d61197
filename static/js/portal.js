// The portal's few behaviours, bound here rather than in inline handlers: the
// Content-Security-Policy (script-src 'self' + nonce) refuses onclick="…" and
// onchange="…" attributes.
//   data-menu-toggle  on a button: opens/closes the main menu on small screens
//   data-autosubmit   on a select: submits its form when the choice changes
//   data-bell         the notifications <details>: a click elsewhere closes it
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-menu-toggle]")) {
      document.body.classList.toggle("menu-open");
    }
    document.querySelectorAll("details[data-bell][open]").forEach(function (bell) {
      if (!bell.contains(event.target)) { bell.removeAttribute("open"); }
    });
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) {
      field.form.submit();
    }
  });
})();
