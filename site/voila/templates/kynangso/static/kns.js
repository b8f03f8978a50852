/* Kỹ Năng Số lesson page: read aloud, progress kept in this browser, connection notice.
 * Plain script, no dependencies: it must work on old phones before the widget bundle loads. */
(function () {
  "use strict";
  var PROGRESS = "kns.progress";

  function lessonKey() {
    var path = decodeURIComponent(location.pathname);
    return path.replace(/^.*\/voila\/render\//, "").replace(/\.ipynb$/, "");
  }

  function readProgress() {
    try { return JSON.parse(localStorage.getItem(PROGRESS)) || {}; } catch (e) { return {}; }
  }

  function saveProgress(state) {
    var all = readProgress();
    if (all[lessonKey()] === "done" && state !== "done") { return; }
    all[lessonKey()] = state;
    try { localStorage.setItem(PROGRESS, JSON.stringify(all)); } catch (e) { /* private mode */ }
  }

  function setupProgress() {
    saveProgress("started");
    var button = document.getElementById("kns-mark-done");
    var note = document.getElementById("kns-marked-done");
    if (!button) { return; }
    button.addEventListener("click", function () {
      saveProgress("done");
      note.hidden = false;
    });
  }

  /* Read the lesson aloud with a Vietnamese voice, in sentence-sized pieces: Chrome stops
   * long utterances part way. Without a Vietnamese voice, say so instead of reading in
   * a foreign accent. */
  function setupListen() {
    var button = document.getElementById("kns-listen");
    var noVoice = document.getElementById("kns-no-voice");
    var synth = window.speechSynthesis;
    if (!button || !synth || !window.SpeechSynthesisUtterance) { return; }
    button.hidden = false;
    var speaking = false;

    function vietnameseVoice() {
      return synth.getVoices().filter(function (v) { return /^vi(-|_|$)/i.test(v.lang); })[0];
    }

    function stop() {
      speaking = false;
      synth.cancel();
      button.textContent = button.dataset.listen;
      button.setAttribute("aria-pressed", "false");
    }

    function lessonText() {
      var root = document.getElementById("rendered_cells");
      return (root ? root.innerText : "").split(/(?<=[.!?…:])\s+|\n+/)
        .map(function (s) { return s.trim(); }).filter(Boolean);
    }

    button.addEventListener("click", function () {
      if (speaking) { stop(); return; }
      var voice = vietnameseVoice();
      if (!voice) { noVoice.hidden = false; button.hidden = true; return; }
      var parts = lessonText();
      speaking = true;
      button.textContent = button.dataset.stop;
      button.setAttribute("aria-pressed", "true");
      parts.forEach(function (part, i) {
        var u = new SpeechSynthesisUtterance(part);
        u.lang = voice.lang;
        u.voice = voice;
        if (i === parts.length - 1) { u.onend = stop; }
        synth.speak(u);
      });
    });
    window.addEventListener("pagehide", function () { synth.cancel(); });
  }

  /* The lesson front end shows the "disconnected" notice; its button reloads the page. */
  function setupReload() {
    var button = document.querySelector("#kns-offline [data-kns-reload]");
    if (button) { button.addEventListener("click", function () { location.reload(); }); }
  }

  setupReload();
  setupListen();
  setupProgress();
})();
