/* The public outcome page: the print button, and a light poll of the page's stamp (a few
   bytes a minute) that reloads the page when the plan or what is public changed. No socket:
   a reader on bad wifi keeps nothing open, and a missed poll is healed by the next one. */
(function () {
  "use strict";
  var button = document.getElementById("print");
  if (button) button.addEventListener("click", function () { window.print(); });
  var main = document.getElementById("outcome");
  if (!main || !window.fetch) return;
  var stamp = main.getAttribute("data-stamp");
  var url = main.getAttribute("data-stamp-url");
  var every = parseInt(main.getAttribute("data-poll-ms"), 10) || 60000;

  function poll() {
    if (document.hidden) return; // a page in a pocket asks nothing; it asks again when seen
    fetch(url, { cache: "no-store", credentials: "omit" }).then(function (answer) {
      if (answer.status === 404) { window.location.reload(); return null; } // unpublished
      return answer.ok ? answer.json() : null;
    }).then(function (data) {
      if (data && data.stamp && data.stamp !== stamp) window.location.reload();
    }).catch(function () { /* offline: the next poll tries again */ });
  }
  setInterval(poll, every);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
})();
