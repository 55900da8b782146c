/* saidwhat: the paste box. Sends the text to POST /api/extract and shows the record in place:
 * the text cut at every span boundary into <span class="m r-ROLE" data-ROLE="a1 ..."> pieces (as
 * the server does for stored articles), a speaker card per attribution, and a table. Everything
 * from the text or the record is written with textContent - never as HTML. */
'use strict';
(function () {
  var ROLES = ['source', 'cue', 'content', 'channel', 'when', 'un'];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function byKey(a, b) { return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0); }

  function marksOf(record) {
    var marks = [];
    function add(spans, role, key) {
      (spans || []).forEach(function (s) { marks.push([s[0], s[1], role, key]); });
    }
    record.attributions.forEach(function (a) {
      ['source', 'cue', 'content', 'channel'].forEach(function (role) {
        if (a[role]) add(a[role].spans, role, a.id);
      });
      if (a.said_on) add(a.said_on.spans, 'when', a.id);
    });
    record.unattributed.forEach(function (u, i) { add(u.spans, 'un', String(i)); });
    return marks;
  }

  // The same cutting as saidwhat/web/highlight.py. Offsets are Python str offsets (code points);
  // JavaScript strings index UTF-16 units, so map code points to units first.
  function segments(text, marks) {
    var units = [0];
    for (var i = 0; i < text.length;) {
      var c = text.codePointAt(i);
      i += c > 0xffff ? 2 : 1;
      units.push(i);
    }
    var n = units.length - 1;
    var starts = {}, ends = {}, points = {};
    points[0] = true; points[n] = true;
    marks.forEach(function (m) {
      var s = Math.max(0, Math.min(n, m[0] | 0)), e = Math.max(0, Math.min(n, m[1] | 0));
      if (e <= s) return;
      (starts[s] = starts[s] || []).push(m[2] + '\u0000' + m[3]);
      (ends[e] = ends[e] || []).push(m[2] + '\u0000' + m[3]);
      points[s] = true; points[e] = true;
    });
    var bounds = Object.keys(points).map(Number).sort(function (a, b) { return a - b; });
    var active = {}, out = [];
    for (var k = 0; k + 1 < bounds.length; k++) {
      var a = bounds[k], b = bounds[k + 1];
      (ends[a] || []).forEach(function (x) { if (!--active[x]) delete active[x]; });
      (starts[a] || []).forEach(function (x) { active[x] = (active[x] || 0) + 1; });
      var roles = {};
      Object.keys(active).forEach(function (x) {
        var parts = x.split('\u0000');
        (roles[parts[0]] = roles[parts[0]] || []).push(parts[1]);
      });
      out.push([text.slice(units[a], units[b]), roles]);
    }
    return out;
  }

  function label(a, speaker) {
    if (speaker) {
      if (speaker.name && speaker.name.trim()) return speaker.name.trim();
      var ra = [speaker.role, speaker.affiliation].filter(function (x) { return x && x.trim(); });
      if (ra.length) return ra.join(', ');
    }
    return a.source && a.source.text ? a.source.text.trim() : null;
  }

  function card(a, speaker, name) {
    var c = el('section', { 'class': 'card', 'data-card': a.id });
    c.hidden = true;
    c.appendChild(el('h2', { 'class': 'card-title' }, name || '(no source)'));
    var dl = el('dl');
    var when = a.said_on ? (a.said_on.date || '?') + (a.said_on.text ? ' ("' + a.said_on.text + '")' : '') : '—';
    [['Name', 'name', speaker && speaker.name], ['Role', 'role', speaker && speaker.role],
     ['Affiliation', 'affiliation', speaker && speaker.affiliation], ['Type', 'type', speaker && speaker.type],
     ['Anonymous', 'anonymous', speaker ? (speaker.anonymous ? 'yes' : 'no') : null],
     ['Channel', 'channel', a.channel && a.channel.text],
     ['Medium', 'medium', a.medium && a.medium.text], ['To', 'addressee', a.addressee && a.addressee.text],
     ['Said on', 'said_on', when],
     ['Cue', 'cue', a.cue ? a.cue.text + ' (' + a.cue.stance + ')' : null],
     ['Kind', 'kind', a.kind + ' · ' + a.id + ' · ' + Number(a.confidence).toFixed(2)]
    ].forEach(function (row) {
      dl.appendChild(el('dt', {}, row[0]));
      dl.appendChild(el('dd', { 'data-field': row[1] }, row[2] || '—'));
    });
    c.appendChild(dl);
    c.appendChild(el('blockquote', { 'class': 'content' }, a.content.text));
    if (name) {
      var p = el('p');
      var link = el('a', { 'class': 'speaker-link' }, 'Statements by ' + name + ' in the store →');
      link.href = '/speaker?name=' + encodeURIComponent(name);
      p.appendChild(link);
      c.appendChild(p);
    }
    return c;
  }

  function show(record) {
    var result = document.getElementById('paste-result');
    var old = document.getElementById('paste-text-view');
    var view = old.cloneNode(false);  // a fresh node: no listeners left from an earlier paste
    old.parentNode.replaceChild(view, old);
    var cards = document.getElementById('paste-cards');
    var rows = document.getElementById('paste-rows');
    var reader = result.querySelector('[data-paste]');
    reader.removeAttribute('data-ready');
    rows.textContent = '';
    cards.querySelectorAll('[data-card]').forEach(function (c) { c.remove(); });
    var text = record.article.text;
    segments(text, marksOf(record)).forEach(function (seg) {
      var roles = seg[1], keys = ROLES.filter(function (r) { return roles[r]; });
      if (!keys.length) { view.appendChild(document.createTextNode(seg[0])); return; }
      var span = el('span', { 'class': 'm ' + keys.map(function (r) { return 'r-' + r; }).join(' ') }, seg[0]);
      keys.forEach(function (r) { span.setAttribute('data-' + r, roles[r].sort(byKey).join(' ')); });
      if (roles.cue || roles.source) span.tabIndex = 0;
      view.appendChild(span);
    });
    var speakers = {};
    record.speakers.forEach(function (s) { speakers[s.id] = s; });
    record.attributions.forEach(function (a) {
      var sp = a.source && a.source.speaker ? speakers[a.source.speaker] : null;
      var name = label(a, sp);
      cards.appendChild(card(a, sp, name));
      var tr = el('tr', { 'data-row': a.id });
      tr.appendChild(el('td', {}, a.id));
      tr.appendChild(el('td', {}, name || '(no source)'));
      tr.appendChild(el('td', {}, a.cue ? a.cue.text : ''));
      tr.appendChild(el('td', { 'class': 'quote' }, a.content.text));
      tr.appendChild(el('td', {}, a.kind));
      var td = el('td');
      var button = el('button', { type: 'button', 'data-select': a.id }, 'show');
      td.appendChild(button);
      tr.appendChild(td);
      rows.appendChild(tr);
    });
    result.hidden = false;
    if (window.saidwhat) window.saidwhat.init(reader);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('paste-form');
    if (!form) return;
    var status = document.getElementById('paste-status');
    var max = Number(form.getAttribute('data-max')) || 200000;
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var text = document.getElementById('paste-text').value;
      var body = { text: text };
      var title = document.getElementById('paste-title').value;
      var published = document.getElementById('paste-date').value;
      if (title) body.title = title;
      if (published) body.published = published;
      status.classList.remove('error');
      if (!text.trim()) { status.textContent = 'Paste some text first.'; status.classList.add('error'); return; }
      if (text.length > max) { status.textContent = 'The text is longer than ' + max + ' characters.'; status.classList.add('error'); return; }
      status.textContent = 'Analysing…';
      fetch('/api/extract', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (r) {
        if (!r.ok) throw new Error((r.data && r.data.error && r.data.error.message) || 'the server refused the text');
        show(r.data);
        var n = r.data.attributions.length;
        status.textContent = n + (n === 1 ? ' attribution' : ' attributions') + ' found.';
        form.setAttribute('data-done', String(Date.now()));
      }).catch(function (err) {
        status.textContent = 'Error: ' + err.message;
        status.classList.add('error');
        form.setAttribute('data-done', 'error');
      });
    });
  });
})();
