/* Landing page: show each lesson's progress from this browser's localStorage (kns.js
 * writes it on the lesson page). Nothing is sent to the server. */
(function () {
  "use strict";
  var progress;
  try { progress = JSON.parse(localStorage.getItem("kns.progress")) || {}; } catch (e) { progress = {}; }
  var texts = {};
  var template = document.getElementById("kns-badge-text");
  if (!template) { return; }
  template.content.querySelectorAll("[data-state]").forEach(function (el) {
    texts[el.dataset.state] = el.textContent;
  });
  document.querySelectorAll(".kns-lesson-item").forEach(function (item) {
    var state = progress[item.dataset.lesson];
    var badge = item.querySelector(".kns-badge");
    if (badge && texts[state]) {
      badge.dataset.state = state;
      badge.textContent = texts[state];
    }
  });
})();
