/* The console's session card: the date, venue and time zone the report prints. */
(function () {
  "use strict";

  var A = window.Atelier;
  var form = A.byId("session-form");
  if (!form) return;
  var message = A.byId("session-msg");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    A.api("PATCH", "/api/workshops/" + encodeURIComponent(A.config.code), {
      session_date: A.byId("session-date").value || null, // empty: the day of printing
      venue: A.byId("session-venue").value,
      time_zone: A.byId("session-zone").value.trim(),
    }).then(function (r) {
      if (r && r.ok) A.notify(message, A.t.saved, "ok");
      else A.notify(message, (r && r.message) || A.t.error_generic, "error");
    });
  });
})();
