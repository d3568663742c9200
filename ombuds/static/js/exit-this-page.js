/* "Exit this page", after GOV.UK's component. Without JavaScript the button is a plain
   link to a neutral site. With it, leaving also hides this page at once and replaces it
   in the history (Back does not return here), and pressing Escape three times within
   five seconds does the same. No inline script: the page's CSP allows only this file. */
(function () {
  "use strict";
  var link = document.querySelector("[data-exit-this-page-link]");
  if (!link) { return; }
  var presses = 0;
  var timer = null;

  function leave(event) {
    if (event) { event.preventDefault(); }
    document.documentElement.classList.add("exiting");
    document.title = "";
    window.location.replace(link.href);
  }

  link.addEventListener("click", leave);
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") { return; }
    presses += 1;
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () { presses = 0; }, 5000);
    if (presses >= 3) { leave(null); }
  });
  var hint = document.querySelector("[data-exit-this-page-hint]");
  if (hint) { hint.hidden = false; }
})();
