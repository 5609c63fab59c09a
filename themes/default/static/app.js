/* helpbook default theme: small progressive enhancements. No dependencies. */
(function () {
  "use strict";

  /* FAQ deep links: open the <details> whose id is in the URL hash and bring it into view. */
  function openFromHash() {
    var id = location.hash.slice(1);
    if (!id) return;
    try { id = decodeURIComponent(id); } catch (e) { /* keep the raw id */ }
    var el = document.getElementById(id);
    if (!el) return;
    var changed = false;
    for (var d = el; d; d = d.parentElement) {
      if (d.tagName === "DETAILS" && !d.open) { d.open = true; changed = true; }
    }
    if (changed || el.tagName === "DETAILS") el.scrollIntoView({ block: "start" });
  }

  /* Opening a question puts its anchor in the address bar, so the link can be shared. */
  function trackFaq() {
    document.querySelectorAll("details.faq-item[id]").forEach(function (d) {
      d.addEventListener("toggle", function () {
        if (d.open && location.hash.slice(1) !== d.id && history.replaceState) {
          history.replaceState(null, "", "#" + encodeURIComponent(d.id));
        }
      });
    });
  }

  /* Video facade: nothing loads from the video host until the shopper clicks play. */
  var EMBED_HOSTS = ["www.youtube-nocookie.com", "youtube-nocookie.com", "player.vimeo.com"];
  function embedUrl(raw) {
    try {
      var u = new URL(raw, location.href);
      return u.protocol === "https:" && EMBED_HOSTS.indexOf(u.hostname) >= 0 ? u.href : null;
    } catch (e) { return null; }
  }
  document.addEventListener("click", function (ev) {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    var link = ev.target.closest && ev.target.closest("a.video-link[data-embed]");
    if (!link) return;
    var src = embedUrl(link.getAttribute("data-embed"));
    if (!src) return; /* unknown host: let the plain link work */
    ev.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.loading = "lazy";
    frame.allow = "autoplay; fullscreen; picture-in-picture";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.title = link.getAttribute("data-title") || link.getAttribute("aria-label") || link.textContent.trim() || "Video";
    link.replaceWith(frame);
    frame.focus();
  });

  /* Print: show every answer, then restore what the reader had open. */
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; openedForPrint.push(d); });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (d) { d.open = false; });
    openedForPrint = [];
  });

  /* Heading permalinks: a "#" link after each heading; a click also copies the address. */
  function addAnchors() {
    var article = document.querySelector("main .article");
    var label = (article && article.getAttribute("data-anchor-label")) || "Link to this section";
    document.querySelectorAll("main .content h2[id], main .content h3[id]").forEach(function (h) {
      if (h.querySelector(".heading-anchor")) return;
      var a = document.createElement("a");
      a.className = "heading-anchor";
      a.href = "#" + encodeURIComponent(h.id);
      a.setAttribute("aria-label", label);
      a.textContent = "#";
      a.addEventListener("click", function () {
        var url = location.href.split("#")[0] + a.getAttribute("href");
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(url).then(function () {
            a.textContent = "\u2713";
            setTimeout(function () { a.textContent = "#"; }, 1500);
          }, function () {});
        }
      });
      h.appendChild(a);
    });
    /* Name the how-to step list for screen readers ("Steps, list, 4 items"). */
    var steps = article && article.getAttribute("data-steps-label");
    if (steps) {
      document.querySelectorAll("main .howto-steps:not([aria-label])").forEach(function (ol) { ol.setAttribute("aria-label", steps); });
    }
  }

  function init() {
    addAnchors();
    trackFaq();
    openFromHash();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  window.addEventListener("hashchange", openFromHash);
})();
