/* Booking pages, progressive enhancement only: every page works without it.
 * Filter forms marked data-autosubmit refresh as soon as a choice changes. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.matches("select, input[type=checkbox], input[type=radio]")) {
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  });
})();
