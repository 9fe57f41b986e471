// The dashboard's only script: reloads the page every data-refresh-ms milliseconds (set on <html>), but never under an
// operator's hands. While a form field has focus the reload waits; once a field on the page has been edited, the page
// stops reloading (the operator submits the form, which loads a page that reloads again). Each reload held back is
// counted in data-refresh-held on <html>, which is what the tests watch.
(function () {
  "use strict";
  var root = document.documentElement;
  var interval = Number(root.getAttribute("data-refresh-ms"));
  if (!(interval > 0)) return;
  var target = root.getAttribute("data-refresh-url") || location.href;
  var edited = false;
  function markEdited(event) {
    if (event.target && event.target.matches && event.target.matches("input, select, textarea")) edited = true;
  }
  document.addEventListener("input", markEdited, true);
  document.addEventListener("change", markEdited, true);
  function inField() {
    var active = document.activeElement;
    return !!active && active.matches("input, select, textarea");
  }
  function tick() {
    if (edited || inField()) {
      root.setAttribute("data-refresh-held", String(Number(root.getAttribute("data-refresh-held") || "0") + 1));
      setTimeout(tick, interval);
      return;
    }
    // A GET of the page's own address: a page rendered for a POST (a refusal) is not posted again.
    location.replace(target);
  }
  setTimeout(tick, interval);
})();
