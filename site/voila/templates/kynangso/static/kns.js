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

  /* The widget bundle reconnects silently; tell the resident when the kernel is gone. */
  function watchKernelSocket() {
    var banner = document.getElementById("kns-offline");
    var Native = window.WebSocket;
    var leaving = false;
    if (!banner || !Native) { return; }
    window.addEventListener("pagehide", function () { leaving = true; });
    function Watched(url, protocols) {
      var ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
      if (/\/api\/kernels\/[^/]+\/channels/.test(String(url))) {
        ws.addEventListener("open", function () { banner.hidden = true; });
        ws.addEventListener("close", function () { if (!leaving) { banner.hidden = false; } });
      }
      return ws;
    }
    Watched.prototype = Native.prototype;
    ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { Watched[k] = Native[k]; });
    window.WebSocket = Watched;
    banner.querySelector("[data-kns-reload]").addEventListener("click", function () {
      location.reload();
    });
  }

  /* Voila's front end wraps the cells in a JupyterLab shell appended to <body>; keep it
   * inside <main> so the lesson stays in the page's main landmark, in reading order. */
  function keepShellInMain() {
    var main = document.getElementById("kns-main");
    if (!main || !window.MutationObserver) { return; }
    var observer = new MutationObserver(function () {
      var shell = document.querySelector("body > .jp-LabShell");
      if (shell) { main.appendChild(shell); observer.disconnect(); }
    });
    observer.observe(document.body, { childList: true });
  }

  keepShellInMain();
  watchKernelSocket();
  setupListen();
  setupProgress();
})();
