/* The console's scene picker: what the big screen shows, one scene at a time, and a label that
   says what the projector shows now ("On the screen: Results (automatic)"). The scenes, their
   names and what "automatic" shows in each phase come from the server (#scene-config). */
(function () {
  "use strict";

  var A = window.Atelier;
  var box = A.byId("scene-picker");
  if (!box || A.config.role !== "console") return;
  var conf = JSON.parse(A.byId("scene-config").textContent);
  var now = A.byId("scene-now");
  var message = A.byId("scene-msg");
  var buttons = Array.prototype.slice.call(box.querySelectorAll("button[data-scene]"));

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var scene = button.getAttribute("data-scene");
      buttons.forEach(function (b) { b.disabled = true; });
      A.api("PATCH", "/api/workshops/" + encodeURIComponent(A.config.code), { screen_scene: scene }).then(function (answer) {
        buttons.forEach(function (b) { b.disabled = false; });
        if (!answer.ok) A.notify(message, answer.message || A.t.error_generic, "error");
        // the label changes when the new snapshot arrives: it says what the screens were sent
      });
    });
  });

  A.extend.consoleRender.push(function (state) {
    var chosen = state.screen_scene || "auto";
    // once the working groups rolled up, "automatic" shows the roll-up until the plenary votes
    var auto = state.ballot && state.ballot.length ? conf.auto_ballot_scenes : conf.auto_scenes;
    var shown = chosen === "auto" ? auto[state.phase] : chosen;
    var name = conf.scenes[shown] || shown;
    now.textContent = A.fmt(conf.on_screen, { scene: chosen === "auto" ? A.fmt(conf.auto_now, { scene: name }) : name });
    box.setAttribute("data-scene-shown", shown);
    buttons.forEach(function (button) {
      var on = button.getAttribute("data-scene") === chosen;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.classList.toggle("primary", on);
    });
  });
})();
