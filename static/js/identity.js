/* Phone: when the facilitator merges this identity into another (or undoes it), the page
   reloads as whoever its token now stands for; when it is removed, or restored on another
   phone with the recovery code, it goes back to the join page and says why. Loaded after
   phone.js (its socket). */
(function () {
  "use strict";

  var A = window.Atelier;
  if (!A.socket) return;
  A.socket.on("identity_changed", function (data) {
    if (data && (data.reason === "merged" || data.reason === "restored")) {
      window.location.reload();
      return;
    }
    window.location.assign("/j/" + encodeURIComponent(A.config.code) + "?signed_out=1");
  });
})();
