/* The report's pages keep nothing on the server until she sends them, so leaving a
   half-finished report loses it. Each page says so in words; with JavaScript the browser
   also asks before she leaves one she has begun. Never when she moves on through our own
   forms (Continue, Back, Change, Send), and never when she uses "Exit this page": that
   must leave at once. No inline script: the page's CSP allows only files like this. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("[data-report-form]");
  if (!forms.length) { return; }
  var begun = document.querySelector("[data-report-started]") !== null;
  var moving = false;

  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("input", function () { begun = true; });
    form.addEventListener("change", function () { begun = true; });
    form.addEventListener("submit", function () { moving = true; });
  });

  window.addEventListener("beforeunload", function (event) {
    var exiting = document.documentElement.classList.contains("exiting");
    if (!begun || moving || exiting) { return; }
    event.preventDefault();
    event.returnValue = "";  /* older browsers show their own words, not ours */
  });
})();
