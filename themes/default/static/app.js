/* helpbook default theme: small progressive enhancements. No dependencies. */
(function () {
  "use strict";

  /* A random id that lives only in this page's memory (no cookie, no storage): the server
     counts one search per stretch of typing, and links a page's searches to what was chosen. */
  var PAGE = Math.random().toString(36).slice(2, 12), lastQuery = "";
  function beacon(path, data) {
    data.page = PAGE;
    if (navigator.sendBeacon) navigator.sendBeacon(path, new Blob([JSON.stringify(data)], { type: "application/json" }));
  }
  /* Turning to support (e-mail, phone or chat, anywhere on the page) is counted, with the
     query that led there. */
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest(".support-actions a, #search-results a[href^='mailto:'], #search-results a[data-contact]");
    if (!a) return;
    var href = a.getAttribute("href") || "", q = new URLSearchParams(location.search).get("q") || lastQuery;
    beacon("/api/handoff", { from: location.pathname, channel: /^mailto:/.test(href) ? "email" : /^tel:/.test(href) ? "phone" : "chat", q: q || null });
  });

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

  /* Instant search: results as you type from /api/search (when a server answers it; on a
     static host the form simply submits). ARIA combobox with a listbox; arrows move, Enter
     opens the chosen answer or, with none chosen, the full results page. */
  function instantSearch() {
    var input = document.getElementById("search-input");
    var box = document.getElementById("search-results");
    if (!input || !box || !window.fetch) return;
    var form = input.form, timer = 0, seq = 0, active = -1, items = [];
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "search-listbox");
    function close() {
      box.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function select(i) {
      active = i;
      items.forEach(function (el, n) { el.setAttribute("aria-selected", n === i ? "true" : "false"); });
      if (i < 0) { input.removeAttribute("aria-activedescendant"); return; }
      input.setAttribute("aria-activedescendant", items[i].id);
      items[i].scrollIntoView({ block: "nearest" });
    }
    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text) e.textContent = text;
      return e;
    }
    function show(data) {
      box.textContent = "";
      items = [];
      var list = el("ul");
      list.id = "search-listbox";
      list.setAttribute("role", "listbox");
      var hits = data.hits || [], popular = !hits.length && data.popular ? data.popular : [];
      /* A shopper who asks for a person, or whose question no article answers exactly, gets
         the support contact first, written to with their question; one who finds nothing,
         after the popular articles. */
      var s = data.support, contact = [];
      if (s && (s.chat || s.email || s.phone) && (data.support_first || !hits.length)) {
        contact.push({
          url: s.chat ? s.chat.replace("{query}", encodeURIComponent(data.query || "")).replace("{url}", encodeURIComponent(location.href)) : (s.email ? "mailto:" + s.email + "?subject=" + encodeURIComponent(data.query || "") : "tel:" + s.phone.replace(/\s/g, "")),
          title: form.getAttribute("data-contact") || "Contact support",
          section: [s.email, s.phone].filter(Boolean).join(" \u00b7 ")
        });
      }
      var all = data.support_first ? contact.concat(hits, popular) : hits.concat(popular, contact);
      var hitsFrom = data.support_first ? contact.length : 0;
      all.forEach(function (hit, n) {
        var li = el("li"), a = el("a");
        li.id = "search-option-" + n;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        a.href = hit.url;
        a.tabIndex = -1;
        if (n >= hitsFrom && n < hitsFrom + hits.length) a.setAttribute("data-rank", n - hitsFrom + 1);
        else if (contact.indexOf(hit) >= 0) a.setAttribute("data-contact", "");
        a.appendChild(el("span", "title", hit.heading || hit.title));
        a.appendChild(el("span", "section", hit.heading ? hit.title : hit.section));
        if (hit.snippet) {
          var snippet = el("span", "snippet");
          snippet.innerHTML = hit.snippet; /* server-escaped; only <mark> is markup */
          a.appendChild(snippet);
        }
        li.appendChild(a);
        list.appendChild(li);
        items.push(li);
      });
      var lang = document.documentElement.lang;
      if (data.no_exact_answer) {
        /* Said first: what follows is only related, and the contact is there to ask. */
        box.appendChild(el("p", "", form.getAttribute("data-no-exact") || "No article answers this exactly"));
      }
      if (items.length && data.lang && data.lang !== lang) {
        box.appendChild(el("p", "", (form.getAttribute("data-other-language") || "Answers in") + ": " + (data.lang || "").toUpperCase()));
      } else if (items.length && data.searched_as) {
        box.appendChild(el("p", "", (form.getAttribute("data-searched-as") || "Showing results for") + " \u201c" + data.searched_as + "\u201d"));
      }
      if (!hits.length && !data.support_first) {
        var text = form.getAttribute("data-no-results") || "No results";
        if (data.suggestion) text += " \u2014 " + (form.getAttribute("data-did-you-mean") || "Did you mean") + " \u201c" + data.suggestion + "\u201d?";
        box.appendChild(el("p", "", text));
        /* No dead end: the articles writers put first. */
        if (popular.length) box.appendChild(el("p", "", form.getAttribute("data-popular") || "Popular articles"));
      }
      if (items.length) box.appendChild(list);
      if (data.no_exact_answer && hits.length) {
        var first = items[data.support_first ? contact.length : 0];
        var group = el("li", "search-group", form.getAttribute("data-related") || "Related articles");
        group.setAttribute("role", "presentation");
        if (first) list.insertBefore(group, first);
      }
      box.hidden = false;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      active = -1;
    }
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = "page"; hidden.value = PAGE; form.appendChild(hidden);
    /* A result chosen from the list is counted, with its place. */
    function chosen(a) {
      if (a && a.getAttribute("data-rank")) beacon("/api/click", { q: lastQuery, url: a.getAttribute("href"), rank: +a.getAttribute("data-rank"), lang: document.documentElement.lang });
    }
    box.addEventListener("click", function (ev) { chosen(ev.target.closest("a")); });
    function run() {
      var q = input.value.trim(), mine = ++seq;
      if (!q) { close(); return; }
      lastQuery = q;
      var url = "/api/search?limit=8&page=" + PAGE + "&lang=" + encodeURIComponent(document.documentElement.lang) + "&q=" + encodeURIComponent(q.slice(0, 256));
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) {
          /* Busy (503): asked again once the server says, unless the shopper typed on. */
          if (r.status === 503) setTimeout(function () { if (mine === seq) run(); }, 1000 * (+r.headers.get("Retry-After") || 1));
          return r.ok ? r.json() : null;
        })
        .then(function (data) { if (data && mine === seq) show(data); })
        .catch(function () {});
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && items.length) { ev.preventDefault(); select(Math.min(active + 1, items.length - 1)); }
      else if (ev.key === "ArrowUp" && items.length) { ev.preventDefault(); select(Math.max(active - 1, -1)); }
      else if (ev.key === "Escape") { close(); }
      else if (ev.key === "Enter" && active >= 0 && !box.hidden) { ev.preventDefault(); var a = items[active].querySelector("a"); chosen(a); if (a.hasAttribute("data-contact")) a.click(); else location.href = a.href; }
    });
    box.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    input.addEventListener("blur", close);
    input.addEventListener("focus", function () { if (box.childNodes.length && input.value.trim()) { box.hidden = false; } });
  }

  /* "Was this helpful?": a vote is sent once per article and remembered on this device; "No"
     opens an optional comment first (the vote goes when the page is left, if not sent). */
  function helpful() {
    var form = document.getElementById("helpful");
    if (!form) return;
    var url = form.getAttribute("data-url"), key = "helpbook-rated:" + url;
    var more = form.querySelector(".helpful-more"), comment = form.querySelector("textarea");
    var pending = false;
    function rated() { form.classList.add("rated"); }
    function send(vote, beacon) {
      var body = JSON.stringify({ url: url, helpful: vote, comment: vote ? null : comment.value.trim() || null });
      if (beacon && navigator.sendBeacon) navigator.sendBeacon(form.action, new Blob([body], { type: "application/json" }));
      else fetch(form.action, { method: "POST", headers: { "Content-Type": "application/json" }, body: body, keepalive: true }).catch(function () {});
      try { localStorage.setItem(key, vote ? "yes" : "no"); } catch (e) { /* private mode */ }
      pending = false;
      rated();
    }
    try { if (localStorage.getItem(key)) rated(); } catch (e) { /* private mode */ }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = ev.submitter;
      if (button && button.value === "no" && more.hidden) {
        pending = true;
        more.hidden = false;
        form.querySelector(".helpful-actions").hidden = true;
        comment.focus();
        return;
      }
      send(!button || button.value === "yes");
    });
    window.addEventListener("pagehide", function () { if (pending) send(false, true); });
  }

  function init() {
    helpful();
    instantSearch();
    addAnchors();
    trackFaq();
    openFromHash();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  window.addEventListener("hashchange", openFromHash);
})();
