/* The big screen at the end: once the outcome page is public (the snapshot's `outcome`), its
   QR code stands beside whatever scene shows, so the room can keep the outcome. */
(function () {
  "use strict";

  var A = window.Atelier;
  var corner = A.byId("outcome-corner");
  if (!corner || A.config.role !== "screen") return;
  var image = A.byId("outcome-qr");
  var shownKey = null;

  A.extend.screenRender.push(function (state) {
    var outcome = state.outcome || {};
    var on = state.phase === "closed" && !!outcome.public && !!outcome.key;
    document.body.toggleAttribute("data-outcome", on);
    corner.hidden = !on;
    if (on && outcome.key !== shownKey) {
      shownKey = outcome.key;
      image.src = "/o/" + encodeURIComponent(outcome.key) + "/qr.svg";
    }
  });
})();
