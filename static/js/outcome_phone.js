/* A participant's phone: once the outcome page is public (the snapshot's `outcome`), a link to
   it under the phase's hint. A feature script: it only hooks into A.extend. */
(function () {
  "use strict";

  var A = window.Atelier;
  var box = A.byId("outcome-link");
  if (!box || A.config.role !== "phone") return;
  var link = box.querySelector("a");

  A.extend.phoneRender.push(function (state) {
    var outcome = state.outcome || {};
    box.hidden = !(outcome.public && outcome.key);
    if (!box.hidden) link.href = "/o/" + encodeURIComponent(outcome.key);
  });
})();
