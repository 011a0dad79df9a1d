/* countyscope report framework (docs/report.md).
 *
 * The renderer (src/report/report.cpp) inlines Leaflet, ECharts, this file and every report/sections/NN-name.js into
 * one offline HTML file together with the results document. Each section file calls CS.section({...}); CS.boot()
 * then renders every section whose data is present, in (order, id) order. Switching the language re-renders all
 * sections, so every text that goes through ui.t() follows the switch.
 *
 * Nothing here fetches anything: no tiles, no fonts, no images (Leaflet's CSS images are inlined as data URIs).
 */
(function () {
  'use strict';

  var CS = (window.CS = window.CS || {});
  CS.sections = [];
  CS.strings = { en: {}, zh: {} };
  CS.lang = 'en';
  CS.doc = null;
  CS.maps = []; // live map handles (for tests: CS.mapStats())
  CS.charts = []; // live ECharts instances
  CS.errors = []; // section render errors

  var LANGS = ['en', 'zh'];

  // ---------------------------------------------------------------- registration

  // Registers a section. spec: {id, order, title: {en, zh} | key, render(el, doc, ui), needs?}.
  // needs: a list of paths ("sections.network", "layers.roads") of which at least one must be present, or a
  // function(doc) -> bool. Default: ["sections." + id]. A section whose needs are not met is skipped silently.
  CS.section = function (spec) {
    if (!spec || typeof spec.id !== 'string' || !/^[a-z0-9_-]+$/.test(spec.id)) {
      throw new Error('CS.section: id must match [a-z0-9_-]+');
    }
    if (typeof spec.render !== 'function') throw new Error('CS.section ' + spec.id + ': render(el, doc, ui) missing');
    for (var i = 0; i < CS.sections.length; i++) {
      if (CS.sections[i].id === spec.id) throw new Error('CS.section: duplicate id ' + spec.id);
    }
    CS.sections.push(spec);
  };

  // Adds interface strings: CS.addStrings({en: {key: 'text'}, zh: {key: '文本'}}).
  CS.addStrings = function (table) {
    LANGS.forEach(function (l) {
      var src = table[l] || {};
      Object.keys(src).forEach(function (k) {
        CS.strings[l][k] = src[k];
      });
    });
  };

  // ---------------------------------------------------------------- helpers: text

  function get(obj, path) {
    var parts = path.split('.');
    var cur = obj;
    for (var i = 0; i < parts.length; i++) {
      if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
      cur = cur[parts[i]];
    }
    return cur;
  }

  function esc(s) {
    return String(s === null || s === undefined ? '' : s)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;');
  }

  function humanize(key) {
    var s = String(key).replace(/_/g, ' ');
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  // t('key'), t('key', {n: 3}) with "{n}" placeholders, or t({en: 'a', zh: '甲'}).
  function t(key, vars) {
    var s;
    if (key && typeof key === 'object') {
      s = key[CS.lang] !== undefined ? key[CS.lang] : key.en;
    } else {
      s = CS.strings[CS.lang][key];
      if (s === undefined) s = CS.strings.en[key];
      if (s === undefined) s = key;
    }
    s = String(s === undefined || s === null ? '' : s);
    if (vars) {
      s = s.replace(/\{(\w+)\}/g, function (m, k) {
        return vars[k] !== undefined ? vars[k] : m;
      });
    }
    return s;
  }

  // label('service', 'primary_school') -> the string of 'service.primary_school', else a humanized value.
  function label(prefix, value) {
    if (value === null || value === undefined || value === '') return t('no_data');
    var k = prefix + '.' + value;
    if (CS.strings[CS.lang][k] !== undefined || CS.strings.en[k] !== undefined) return t(k);
    return humanize(value);
  }

  // Place names: the local form (OSM name) with the reader's language in brackets where OSM has it (name:zh,
  // name:en), the same in every table, map and chart: names met without their translations take those of the
  // settlement or township of that name (CS.placeIndex, built at boot from the layers).
  CS.placeIndex = {};
  function indexPlaces(doc) {
    CS.placeIndex = {};
    ['settlements', 'admin_units', 'county_boundary'].forEach(function (k) {
      var fc = doc.layers && doc.layers[k];
      ((fc && fc.features) || []).forEach(function (f) {
        var p = f.properties || {};
        if (!p.name || CS.placeIndex[p.name]) return;
        if (p.name_zh || p.name_en) CS.placeIndex[p.name] = { zh: p.name_zh || '', en: p.name_en || '' };
      });
    });
  }
  function placeName(local, zh, en) {
    var known = local ? CS.placeIndex[local] : null;
    if (!local) return (CS.lang === 'zh' ? zh || en : en || zh) || '';
    var other = CS.lang === 'zh' ? zh || (known && known.zh) : en || (known && known.en);
    if (!other || other === local) return local;
    return CS.lang === 'zh' ? local + '（' + other + '）' : local + ' (' + other + ')';
  }
  function name(props) {
    if (!props) return '';
    return placeName(props.name, props.name_zh, props.name_en);
  }
  // A name that is not a place (an indicator, a dimension): props.name_zh in Chinese when present, else name.
  function nameIn(props) {
    if (!props) return '';
    if (CS.lang === 'zh' && props.name_zh) return props.name_zh;
    return props.name || props.name_zh || '';
  }


  // A free text written by the engine (a data source, a quality message, a rule): its translation when the
  // catalogue has one ('text.' + the English text, or a pattern of CS.textPatterns), else the text as it is.
  CS.textPatterns = { zh: [] };
  function text(kind, s) {
    if (s === null || s === undefined) return '';
    s = String(s);
    if (CS.lang === 'en') return s;
    var k = 'text.' + s;
    if (CS.strings[CS.lang][k] !== undefined) return CS.strings[CS.lang][k];
    var pats = CS.textPatterns[CS.lang] || [];
    var x = { t: t, text: function (p) { return text(kind, p); }, service: function (v) { return label('service', v); } };
    for (var i = 0; i < pats.length; i++) {
      var m = pats[i][0].exec(s);
      if (!m) continue;
      var r = typeof pats[i][1] === 'function' ? pats[i][1](m, x) : s.replace(pats[i][0], pats[i][1]);
      if (r !== null && r !== undefined) return r;
    }
    return s;
  }

  // ---------------------------------------------------------------- helpers: numbers (deterministic, no Intl)

  function isNum(x) {
    return typeof x === 'number' && isFinite(x);
  }

  function group(intStr) {
    var neg = intStr.charAt(0) === '-';
    var s = neg ? intStr.slice(1) : intStr;
    var out = '';
    while (s.length > 3) {
      out = ',' + s.slice(-3) + out;
      s = s.slice(0, -3);
    }
    return (neg ? '-' : '') + s + out;
  }

  var fmt = {
    // Fixed decimals with thousands separators; null/NaN -> "—".
    num: function (x, digits) {
      if (!isNum(x)) return '—';
      var d = digits === undefined ? 1 : digits;
      var s = x.toFixed(d);
      if (/^-0(\.0*)?$/.test(s)) s = s.slice(1);
      var parts = s.split('.');
      return group(parts[0]) + (parts.length > 1 ? '.' + parts[1] : '');
    },
    int: function (x) {
      return fmt.num(x, 0);
    },
    // A fraction as a percentage: pct(0.1234) -> "12.3 %".
    pct: function (x, digits) {
      return isNum(x) ? fmt.num(100 * x, digits === undefined ? 1 : digits) + ' %' : '—';
    },
    // A travel time (every travel time in the results is in minutes): minutes(12.57) -> "12.6 min".
    minutes: function (m, digits) {
      return isNum(m) ? fmt.num(m, digits === undefined ? 1 : digits) + ' ' + t('unit.min') : t('no_path');
    },
    km: function (m, digits) {
      return isNum(m) ? fmt.num(m / 1000, digits === undefined ? 1 : digits) + ' km' : '—';
    },
    seconds: function (s, digits) {
      return isNum(s) ? fmt.num(s, digits === undefined ? 2 : digits) + ' s' : '—';
    },
    // Integers grouped, other numbers with up to 3 significant decimals; strings escaped as they are.
    auto: function (x) {
      if (x === null || x === undefined) return '—';
      if (typeof x === 'boolean') return x ? t('yes') : t('no');
      if (typeof x === 'number') {
        if (!isFinite(x)) return '—';
        if (Number.isInteger(x)) return fmt.int(x);
        var a = Math.abs(x);
        var d = a >= 100 ? 1 : a >= 1 ? 2 : 3;
        return fmt.num(x, d);
      }
      if (Array.isArray(x)) return x.map(fmt.auto).join(', ');
      if (typeof x === 'object') return JSON.stringify(x);
      return String(x);
    },
  };

  function formatter(f) {
    if (typeof f === 'function') return f;
    if (f === 'int') return fmt.int;
    if (f === 'pct') return function (x) { return fmt.pct(x); };
    if (f === 'minutes') return function (x) { return fmt.minutes(x); };
    if (f === 'km') return function (x) { return fmt.km(x); };
    if (f === 'seconds') return function (x) { return fmt.seconds(x); };
    if (typeof f === 'string' && /^num\d$/.test(f)) {
      var d = +f.charAt(3);
      return function (x) { return fmt.num(x, d); };
    }
    return fmt.auto;
  }

  // ---------------------------------------------------------------- helpers: DOM

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null) return;
        if (k === 'text') el.textContent = v;
        else if (k === 'html') el.innerHTML = v;
        else if (k === 'class') el.className = v;
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v);
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return el;
  }

  // ---------------------------------------------------------------- helpers: colour

  var palettes = {
    // ColorBrewer (Cynthia Brewer, Apache-2.0 style licence) and matplotlib viridis stops.
    YlOrRd: ['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#fc4e2a', '#e31a1c', '#b10026'],
    Blues: ['#eff3ff', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#084594'],
    Greens: ['#edf8e9', '#c7e9c0', '#a1d99b', '#74c476', '#41ab5d', '#238b45', '#005a32'],
    YlGn: ['#ffffcc', '#d9f0a3', '#addd8e', '#78c679', '#41ab5d', '#238443', '#005a32'],
    YlGnBu: ['#ffffcc', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#0c2c84'],
    Purples: ['#f2f0f7', '#dadaeb', '#bcbddc', '#9e9ac8', '#807dba', '#6a51a3', '#4a1486'],
    // Diverging, colour-blind safe: purple (less) to orange (more).
    PuOr: ['#542788', '#998ec3', '#d8daeb', '#f7f7f7', '#fee0b6', '#f1a340', '#b35806'],
    // Qualitative, colour-blind safe (ColorBrewer Dark2, Set2).
    Dark2: ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'],
    Set2: ['#66c2a5', '#fc8d62', '#8da0cb', '#e78ac3', '#a6d854', '#ffd92f', '#e5c494', '#b3b3b3'],
    RdYlGn: ['#d73027', '#fc8d59', '#fee08b', '#ffffbf', '#d9ef8b', '#91cf60', '#1a9850'],
    viridis: ['#440154', '#443983', '#31688e', '#21918c', '#35b779', '#90d743', '#fde725'],
    // Tableau 10 for categories.
    category: ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f',
      '#bab0ac'],
  };
  var NULL_COLOR = '#9e9e9e';

  function hexToRgb(c) {
    var n = parseInt(c.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  function rgbToHex(r) {
    return '#' + r.map(function (v) {
      var s = Math.round(Math.max(0, Math.min(255, v))).toString(16);
      return s.length < 2 ? '0' + s : s;
    }).join('');
  }
  function ramp(colors, f) {
    if (!isNum(f)) return NULL_COLOR;
    f = Math.max(0, Math.min(1, f));
    var x = f * (colors.length - 1);
    var i = Math.min(Math.floor(x), colors.length - 2);
    var a = hexToRgb(colors[i]);
    var b = hexToRgb(colors[i + 1]);
    var u = x - i;
    return rgbToHex([0, 1, 2].map(function (k) { return a[k] + (b[k] - a[k]) * u; }));
  }
  function resolvePalette(p) {
    if (Array.isArray(p)) return p;
    return palettes[p || 'YlOrRd'] || palettes.YlOrRd;
  }

  var scale = {
    // Classed scale: breaks [b1, b2, ...] give classes (<b1), [b1,b2), ... , (>=bn); colours sampled from a palette.
    // opts: {breaks, colors | palette, format(v) for legend labels, nullLabel}
    bins: function (opts) {
      var breaks = opts.breaks.slice();
      var n = breaks.length + 1;
      var base = resolvePalette(opts.colors || opts.palette);
      var colors = opts.colors && opts.colors.length === n ? opts.colors : [];
      if (!colors.length) for (var i = 0; i < n; i++) colors.push(ramp(base, n === 1 ? 0 : i / (n - 1)));
      var f = opts.format || fmt.auto;
      var fn = function (v) {
        if (!isNum(v)) return NULL_COLOR;
        var k = 0;
        while (k < breaks.length && v >= breaks[k]) k++;
        return colors[k];
      };
      fn.colors = colors;
      fn.legend = function () {
        var items = [];
        for (var k = 0; k < n; k++) {
          var lab = k === 0 ? '< ' + f(breaks[0]) : k === n - 1 ? '≥ ' + f(breaks[k - 1]) : f(breaks[k - 1]) + ' – ' + f(breaks[k]);
          items.push({ color: colors[k], label: lab });
        }
        if (opts.nullLabel !== false) items.push({ color: NULL_COLOR, label: opts.nullLabel || t('no_data') });
        return items;
      };
      return fn;
    },
    // Continuous scale over domain [a, b]; legend with `steps` samples.
    sequential: function (opts) {
      var d = opts.domain;
      var colors = resolvePalette(opts.colors || opts.palette);
      var f = opts.format || fmt.auto;
      var fn = function (v) {
        if (!isNum(v)) return NULL_COLOR;
        return ramp(colors, d[1] === d[0] ? 0.5 : (v - d[0]) / (d[1] - d[0]));
      };
      fn.legend = function (steps) {
        var s = steps || 5;
        var items = [];
        for (var i = 0; i < s; i++) {
          var v = d[0] + ((d[1] - d[0]) * i) / (s - 1);
          items.push({ color: fn(v), label: f(v) });
        }
        return items;
      };
      return fn;
    },
    // Categorical scale: keys in the given order get palette colours; labelOf(key) for the legend.
    categorical: function (keys, opts) {
      opts = opts || {};
      var colors = resolvePalette(opts.colors || 'category');
      var map = {};
      keys.forEach(function (k, i) { map[k] = colors[i % colors.length]; });
      var fn = function (k) { return map[k] || NULL_COLOR; };
      fn.legend = function () {
        return keys.map(function (k) {
          return { color: map[k], label: opts.labelOf ? opts.labelOf(k) : String(k) };
        });
      };
      return fn;
    },
  };

  // Travel time in minutes, the same classes and colours on every map (ColorBrewer YlGnBu: light = near).
  var TIME_BREAKS_MIN = [5, 10, 15, 20, 30, 45];
  function timeScale() {
    var sc = scale.bins({ breaks: TIME_BREAKS_MIN, palette: 'YlGnBu', format: function (v) { return fmt.num(v, 0); },
      nullLabel: t('no_path') });
    sc.legendItems = function (shape) {
      return sc.legend().map(function (it) {
        return { color: it.color, label: it.label + (it.color === NULL_COLOR ? '' : ' ' + t('unit.min')), shape: shape || 'circle' };
      });
    };
    return sc;
  }

  // Nice breaks between the 5th and 95th percentile of values (for quick choropleths).
  function quantileBreaks(values, n) {
    var v = values.filter(isNum).sort(function (a, b) { return a - b; });
    if (!v.length) return [];
    var out = [];
    for (var i = 1; i < n; i++) {
      var b = v[Math.min(v.length - 1, Math.floor((i * v.length) / n))];
      if (!out.length || b > out[out.length - 1]) out.push(b);
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers: legend

  function swatch(item) {
    var shape = item.shape || 'box';
    var s = h('span', { class: 'cs-swatch cs-swatch-' + shape });
    if (shape === 'line') {
      s.style.background = item.color;
      s.style.height = Math.max(2, item.weight || 3) + 'px';
    } else {
      s.style.background = item.color;
      if (item.stroke) s.style.borderColor = item.stroke;
    }
    return s;
  }

  function legendNode(spec) {
    var box = h('div', { class: 'cs-legend' });
    if (spec.title) box.appendChild(h('div', { class: 'cs-legend-title', text: t(spec.title) }));
    (spec.items || []).forEach(function (it) {
      box.appendChild(h('div', { class: 'cs-legend-item' }, [swatch(it), h('span', { text: t(it.label) })]));
    });
    return box;
  }

  // ui.legend(target, {title, items: [{color, label, shape: 'box'|'circle'|'line'}]}): on a map handle, a Leaflet
  // control at the bottom right; on an element, appended to it.
  function legend(target, spec) {
    if (target && target.map && window.L) {
      var ctl = L.control({ position: spec.position || 'bottomright' });
      ctl.onAdd = function () {
        var n = legendNode(spec);
        n.classList.add('leaflet-control');
        L.DomEvent.disableClickPropagation(n);
        return n;
      };
      ctl.addTo(target.map);
      return ctl;
    }
    var node = legendNode(spec);
    target.appendChild(node);
    return node;
  }

  // ---------------------------------------------------------------- helpers: maps (Leaflet, vector only)

  var OSM_ATTRIBUTION_HTML =
    'Map data © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors, ' +
    '<a href="https://opendatacommons.org/licenses/odbl/">ODbL 1.0</a>';
  var OSM_ATTRIBUTION_TEXT = 'Map data © OpenStreetMap contributors, ODbL 1.0';

  function attributionHtml(doc) {
    var list = (doc && Array.isArray(doc.attribution) ? doc.attribution : []).map(String);
    var out = [];
    var osm = doc && doc.kind === 'plan';
    list.forEach(function (a) {
      if (a.indexOf('OpenStreetMap') >= 0) osm = true;
      else out.push(esc(a));
    });
    if (osm) out.unshift(OSM_ATTRIBUTION_HTML);
    return out;
  }

  function popupHtml(spec, props) {
    var content = spec.popup(props);
    if (typeof content === 'string') return content;
    // [[label, value], ...] pairs
    var rows = content
      .filter(function (p) { return p && p[1] !== undefined; })
      .map(function (p) {
        return '<tr><th>' + esc(t(p[0])) + '</th><td>' + esc(p[1] === null ? '—' : p[1]) + '</td></tr>';
      });
    return '<table class="cs-popup">' + rows.join('') + '</table>';
  }

  // A north arrow (maps are drawn north up, Web Mercator).
  function northArrow() {
    var ctl = L.control({ position: 'topleft' });
    ctl.onAdd = function () {
      var d = h('div', { class: 'cs-north leaflet-control', title: t('map.north'), 'aria-label': t('map.north') });
      d.innerHTML = '<svg width="26" height="34" viewBox="0 0 26 34" aria-hidden="true"><path d="M13 2 L22 26 L13 20 L4 26 Z" ' +
        'fill="#333" stroke="#fff" stroke-width="1"/><text x="13" y="33" text-anchor="middle" font-size="9" font-weight="700" ' +
        'fill="#333">N</text></svg>';
      return d;
    };
    return ctl;
  }

  // A point drawn as a square (facilities), an SVG path like the circle markers.
  var SquareMarker = window.L ? L.CircleMarker.extend({
    _updatePath: function () {
      if (!this._renderer || !this._renderer._setPath || this._empty()) return;
      var p = this._point, r = this._radius;
      this._renderer._setPath(this, 'M' + (p.x - r) + ',' + (p.y - r) + 'h' + 2 * r + 'v' + 2 * r + 'h' + -2 * r + 'z');
    },
  }) : null;

  // ui.map(el, {layers: [...], height, attribution, legend}) -> {map, overlays: {id: L.GeoJSON}, specs, el}.
  // layer spec: {id, name: key|{en,zh}, data: FeatureCollection, visible (default true), style: {..} | fn(feature),
  //   radius (points), popup: fn(props) -> html string | [[label, value], ...], swatch: {color, shape}, control: true}
  function map(el, opts) {
    if (!window.L) throw new Error('Leaflet is not loaded');
    opts = opts || {};
    var div = h('div', { class: 'cs-map' });
    div.style.height = (opts.height || 520) + 'px';
    el.appendChild(div);
    var m = L.map(div, { zoomSnap: 0.25, preferCanvas: false, attributionControl: true, scrollWheelZoom: false });
    m.attributionControl.setPrefix('Leaflet');
    var attr = opts.attribution !== undefined ? opts.attribution : attributionHtml(CS.doc).join(' | ');
    if (attr) m.attributionControl.addAttribution(attr);

    var handle = { map: m, overlays: {}, specs: {}, el: div, counts: {} };
    var labels = [];
    // The layer panel folds into its button (open on hover or tap) so that it never covers the map.
    var control = L.control.layers(null, null, { collapsed: true, sortLayers: false });
    var bounds = null;
    (opts.layers || []).forEach(function (spec) {
      if (!spec || !spec.data || !Array.isArray(spec.data.features)) return;
      var cls = 'cs-layer cs-layer-' + spec.id;
      var styleOf = function (f) {
        var s = typeof spec.style === 'function' ? spec.style(f) : spec.style || {};
        var o = {};
        Object.keys(s).forEach(function (k) { o[k] = s[k]; });
        o.className = cls + (s.className ? ' ' + s.className : '');
        return o;
      };
      var renderer = spec.data.features.length > 20000 ? L.canvas({ padding: 0.2 }) : undefined;
      var Marker = spec.square && !renderer ? SquareMarker : L.circleMarker;
      var count = 0;
      var layer = L.geoJSON(spec.data, {
        style: styleOf,
        pointToLayer: function (f, ll) {
          var s = styleOf(f);
          if (s.radius === undefined) s.radius = spec.radius || 5;
          if (renderer) s.renderer = renderer;
          return Marker === SquareMarker ? new SquareMarker(ll, s) : L.circleMarker(ll, s);
        },
        onEachFeature: function (f, lyr) {
          count++;
          if (spec.popup) {
            lyr.bindPopup(function () { return popupHtml(spec, f.properties || {}); });
          }
          if (spec.label) {
            var text = spec.label(f.properties || {});
            if (text) {
              lyr.bindTooltip(esc(text), { permanent: true, direction: 'right', offset: [6, 0], className: 'cs-label cs-label-' +
                (spec.labelClass || 'village'), opacity: 1 });
              labels.push({ layer: lyr, priority: spec.labelPriority || 9, order: labels.length });
            }
          } else if (spec.tooltip) lyr.bindTooltip(esc(spec.tooltip(f.properties || {})), { sticky: true });
        },
      });
      handle.overlays[spec.id] = layer;
      handle.specs[spec.id] = spec;
      handle.counts[spec.id] = count;
      if (spec.visible !== false) {
        layer.addTo(m);
        if (count) {
          var b = layer.getBounds();
          if (b.isValid()) bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
        }
      }
      if (spec.control !== false) {
        var sw = spec.swatch || { color: '#555', shape: 'box' };
        var lab = h('span', { class: 'cs-layer-label', 'data-layer': spec.id }, [
          swatch(sw),
          h('span', { text: t(spec.name || spec.id) + ' (' + fmt.int(count) + ')' }),
        ]);
        control.addOverlay(layer, lab.outerHTML);
      }
    });
    control.addTo(m);
    if (opts.legend) [].concat(opts.legend).forEach(function (lg) { legend(handle, lg); });
    L.control.scale({ imperial: false, maxWidth: 140 }).addTo(m);
    northArrow().addTo(m);
    if (bounds && bounds.isValid()) m.fitBounds(bounds, { padding: [12, 12] });
    else m.setView([0, 0], 2);
    // Labels by priority (seat, towns, then villages): a label that would overlap one already shown is hidden.
    labels.sort(function (a, b) { return a.priority - b.priority || a.order - b.order; });
    var declutter = function () {
      var shown = [];
      labels.forEach(function (lb) {
        var tip = lb.layer.getTooltip();
        var el = tip && tip.getElement();
        if (!el) return;
        el.style.visibility = '';
        if (!m.hasLayer(lb.layer)) return;
        var r = el.getBoundingClientRect();
        var hit = shown.some(function (q) { return r.left < q.right && r.right > q.left && r.top < q.bottom && r.bottom > q.top; });
        if (hit) el.style.visibility = 'hidden';
        else shown.push(r);
      });
    };
    handle.declutter = declutter;
    if (labels.length) {
      m.on('zoomend moveend overlayadd overlayremove', declutter);
      declutter();
    }
    CS.maps.push(handle);
    return handle;
  }

  // Splits a FeatureCollection by a property: [{key, data}] in the order of `order` (others after, sorted).
  function splitBy(fc, prop, order) {
    var groups = {};
    (fc && fc.features ? fc.features : []).forEach(function (f) {
      var k = f.properties ? f.properties[prop] : undefined;
      k = k === undefined || k === null ? '' : String(k);
      (groups[k] = groups[k] || []).push(f);
    });
    var keys = Object.keys(groups);
    var rank = {};
    (order || []).forEach(function (k, i) { rank[k] = i; });
    keys.sort(function (a, b) {
      var ra = rank[a] !== undefined ? rank[a] : 1e9;
      var rb = rank[b] !== undefined ? rank[b] : 1e9;
      return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
    });
    return keys.map(function (k) { return { key: k, data: { type: 'FeatureCollection', features: groups[k] } }; });
  }

  // ---------------------------------------------------------------- helpers: charts (ECharts, SVG renderer)

  function chart(el, option, opts) {
    if (!window.echarts) throw new Error('ECharts is not loaded');
    opts = opts || {};
    var div = h('div', { class: 'cs-chart' });
    div.style.height = (opts.height || 320) + 'px';
    el.appendChild(div);
    var c = echarts.init(div, null, { renderer: 'svg' });
    var o = { animation: false, textStyle: { fontFamily: 'system-ui, "WenQuanYi Micro Hei", sans-serif' } };
    Object.keys(option).forEach(function (k) { o[k] = option[k]; });
    c.setOption(o);
    CS.charts.push(c);
    return c;
  }

  // ---------------------------------------------------------------- helpers: tables

  // ui.table(el, rows, columns, {search, sort, pageSize, caption})
  // columns: [{key, label: key|{en,zh}, format: 'int'|'pct'|'num2'|'minutes'|'km'|fn, value: fn(row), align}]
  // Numeric cells carry data-value with the raw number (tests compare them with the results JSON).
  function table(el, rows, columns, opts) {
    opts = opts || {};
    rows = rows || [];
    var cols = columns.map(function (c) {
      if (typeof c === 'string') c = { key: c };
      return {
        key: c.key,
        label: c.label !== undefined ? c.label : 'field.' + c.key,
        value: c.value || function (r) { return r[c.key]; },
        format: formatter(c.format),
        align: c.align,
        html: c.html || (c.code ? function (v, r, s) { return '<code>' + esc(s) + '</code>'; } : undefined),
      };
    });
    var wrap = h('div', { class: 'cs-table-wrap' });
    el.appendChild(wrap);
    var state = { q: '', sortCol: -1, dir: 1, page: 0 };
    var pageSize = opts.pageSize !== undefined ? opts.pageSize : rows.length > 50 ? 25 : 0;
    var display = rows.map(function (r) {
      return cols.map(function (c) {
        var v = c.value(r);
        return { v: v, s: c.html ? null : c.format(v, r) };
      });
    });
    var idx = rows.map(function (_, i) { return i; });

    var tools = h('div', { class: 'cs-table-tools' });
    var input = null;
    if (opts.search) {
      input = h('input', { type: 'search', class: 'cs-search', placeholder: t('search'), 'aria-label': t('search') });
      input.addEventListener('input', function () {
        state.q = input.value.trim().toLowerCase();
        state.page = 0;
        draw();
      });
      tools.appendChild(input);
    }
    var info = h('span', { class: 'cs-table-info' });
    tools.appendChild(info);
    var pager = h('span', { class: 'cs-pager' });
    tools.appendChild(pager);
    wrap.appendChild(tools);

    var tbl = h('table', { class: 'cs-table' });
    if (opts.caption) tbl.appendChild(h('caption', { text: t(opts.caption) }));
    var thead = h('thead');
    var trh = h('tr');
    cols.forEach(function (c, ci) {
      var th = h('th', { text: t(c.label), class: c.align === 'right' ? 'num' : null });
      if (opts.sort) {
        th.classList.add('sortable');
        th.addEventListener('click', function () {
          if (state.sortCol === ci) state.dir = -state.dir;
          else { state.sortCol = ci; state.dir = 1; }
          draw();
        });
      }
      trh.appendChild(th);
    });
    thead.appendChild(trh);
    tbl.appendChild(thead);
    var tbody = h('tbody');
    tbl.appendChild(tbody);
    wrap.appendChild(tbl);

    function cmp(a, b) {
      var va = display[a][state.sortCol].v;
      var vb = display[b][state.sortCol].v;
      var na = va === null || va === undefined || (typeof va === 'number' && !isFinite(va));
      var nb = vb === null || vb === undefined || (typeof vb === 'number' && !isFinite(vb));
      if (na || nb) return na === nb ? a - b : na ? 1 : -1; // missing values last in both directions
      var r;
      if (typeof va === 'number' && typeof vb === 'number') r = va - vb;
      else r = String(va).localeCompare(String(vb));
      return r !== 0 ? r * state.dir : a - b;
    }

    function draw() {
      var sel = idx.filter(function (i) {
        if (!state.q) return true;
        return display[i].some(function (cell) {
          var s = cell.s !== null ? cell.s : cell.v;
          return String(s === null || s === undefined ? '' : s).toLowerCase().indexOf(state.q) >= 0;
        });
      });
      if (state.sortCol >= 0) sel.sort(cmp);
      var pages = pageSize ? Math.max(1, Math.ceil(sel.length / pageSize)) : 1;
      if (state.page >= pages) state.page = pages - 1;
      var from = pageSize ? state.page * pageSize : 0;
      var to = pageSize ? Math.min(sel.length, from + pageSize) : sel.length;
      tbody.innerHTML = '';
      for (var k = from; k < to; k++) {
        var i = sel[k];
        var tr = h('tr');
        cols.forEach(function (c, ci) {
          var cell = display[i][ci];
          var td = h('td');
          if (c.html) td.innerHTML = c.html(cell.v, rows[i], c.format(cell.v, rows[i]));
          else td.textContent = cell.s;
          if (typeof cell.v === 'number') {
            td.className = 'num';
            td.setAttribute('data-value', String(cell.v));
          } else if (c.align === 'right') td.className = 'num';
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      }
      if (!sel.length) {
        tbody.appendChild(h('tr', null, [h('td', { colspan: String(cols.length), class: 'cs-empty', text: t('no_rows') })]));
      }
      ths().forEach(function (th, ci) {
        th.classList.toggle('sorted-asc', ci === state.sortCol && state.dir === 1);
        th.classList.toggle('sorted-desc', ci === state.sortCol && state.dir === -1);
      });
      tools.style.display = opts.search || pages > 1 ? '' : 'none';
      info.textContent = t('rows_info', { from: sel.length ? fmt.int(from + 1) : 0, to: fmt.int(to), n: fmt.int(sel.length),
        total: fmt.int(rows.length) });
      pager.innerHTML = '';
      if (pages > 1) {
        pager.appendChild(h('button', { type: 'button', text: '‹ ' + t('prev'), disabled: state.page === 0 ? 'disabled' : null,
          onclick: function () { state.page--; draw(); } }));
        pager.appendChild(h('span', { text: ' ' + (state.page + 1) + ' / ' + pages + ' ' }));
        pager.appendChild(h('button', { type: 'button', text: t('next') + ' ›', disabled: state.page >= pages - 1 ? 'disabled' : null,
          onclick: function () { state.page++; draw(); } }));
      }
    }
    function ths() {
      return Array.prototype.slice.call(trh.children);
    }
    draw();
    return { el: wrap, redraw: draw };
  }

  // ui.kv(el, [[label, value, format?], ...]): a two-column fact table; rows with undefined values are left out.
  function kv(el, pairs) {
    var tbl = h('table', { class: 'cs-kv' });
    pairs.forEach(function (p) {
      if (!p || p[1] === undefined) return;
      var f = formatter(p[2]);
      var td = h('td', { text: f(p[1]) });
      if (typeof p[1] === 'number') {
        td.className = 'num';
        td.setAttribute('data-value', String(p[1]));
      }
      tbl.appendChild(h('tr', null, [h('th', { text: t(p[0]) }), td]));
    });
    el.appendChild(tbl);
    return tbl;
  }

  function para(el, text, cls) {
    var p = h('p', { class: cls || null, text: text });
    el.appendChild(p);
    return p;
  }

  function heading(el, text) {
    var n = h('h3', { text: t(text) });
    el.appendChild(n);
    return n;
  }

  // Field label: 'field.KEY' string if defined, else the humanized key.
  function field(key) {
    return label('field', key);
  }

  // ui.details(el, title, open): a folded block (<details>) with its title; returns the element to fill.
  function details(el, title, open) {
    var d = h('details', { class: 'cs-details' });
    if (open || CS.print) d.setAttribute('open', '');
    d.appendChild(h('summary', { text: t(title) }));
    // Charts and maps drawn while folded have no size: fit them when the block opens.
    d.addEventListener('toggle', function () {
      if (!d.open) return;
      CS.charts.forEach(function (c) { if (d.contains(c.getDom())) c.resize(); });
      CS.maps.forEach(function (hd) { if (d.contains(hd.el)) hd.map.invalidateSize(); });
    });
    var body = h('div', { class: 'cs-details-body' });
    d.appendChild(body);
    el.appendChild(d);
    return body;
  }

  // The base of every thematic map: the county boundary and the main roads, in greys, under the theme.
  function baseLayers(doc, opts) {
    opts = opts || {};
    var L = (doc && doc.layers) || {};
    var out = [];
    var has = function (fc) { return fc && Array.isArray(fc.features) && fc.features.length > 0; };
    if (has(L.roads) && opts.roads !== false) {
      var w = { motorway: 2.6, trunk: 2.4, primary: 2.2, secondary: 1.8, tertiary: 1.4 };
      out.push({ id: 'base-roads', name: 'map.roads', data: L.roads,
        style: function (f) {
          var c = String((f.properties || {}).road_class || '').replace(/_link$/, '');
          return { color: w[c] ? '#8c8c8c' : '#c4c4c4', weight: w[c] || 0.8, opacity: 0.9, interactive: false };
        },
        swatch: { color: '#8c8c8c', shape: 'line' } });
    }
    if (has(L.county_boundary)) {
      out.push({ id: 'base-boundary', name: 'map.county_boundary', data: L.county_boundary,
        style: { color: '#4d4d4d', weight: 2, fill: false, interactive: false },
        swatch: { color: '#4d4d4d', shape: 'line', weight: 2 } });
    }
    return out;
  }

  var geojsonCounter = 0;

  var ui = {
    t: t,
    label: label,
    field: field,
    name: name,
    nameIn: nameIn,
    placeName: placeName,
    text: text,
    details: details,
    baseLayers: baseLayers,
    esc: esc,
    h: h,
    fmt: fmt,
    get: get,
    isNum: isNum,
    scale: scale,
    palettes: palettes,
    nullColor: NULL_COLOR,
    quantileBreaks: quantileBreaks,
    timeScale: timeScale,
    legend: legend,
    map: map,
    geojson: function (fc, spec) {
      var s = {};
      Object.keys(spec || {}).forEach(function (k) { s[k] = spec[k]; });
      s.data = fc;
      if (!s.id) s.id = 'layer' + ++geojsonCounter;
      return s;
    },
    splitBy: splitBy,
    chart: chart,
    table: table,
    kv: kv,
    p: para,
    h3: heading,
    attributionHtml: attributionHtml,
    OSM_ATTRIBUTION_TEXT: OSM_ATTRIBUTION_TEXT,
    lang: function () { return CS.lang; },
  };
  CS.ui = ui;

  // ---------------------------------------------------------------- rendering

  function needsMet(spec, doc) {
    if (typeof spec.needs === 'function') return !!spec.needs(doc);
    var paths = spec.needs || ['sections.' + spec.id];
    return paths.some(function (p) {
      var v = get(doc, p);
      return v !== undefined && v !== null;
    });
  }

  function clear() {
    CS.charts.forEach(function (c) { c.dispose(); });
    CS.charts = [];
    CS.maps.forEach(function (hd) { hd.map.remove(); });
    CS.maps = [];
    CS.errors = [];
  }

  function sortedSections() {
    return CS.sections.slice().sort(function (a, b) {
      var oa = a.order === undefined ? 500 : a.order;
      var ob = b.order === undefined ? 500 : b.order;
      return oa !== ob ? oa - ob : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
  }

  function renderAll() {
    var doc = CS.doc;
    var scrollY = window.scrollY;
    clear();
    document.documentElement.lang = CS.lang === 'zh' ? 'zh-CN' : 'en';
    var kindTitle = doc.kind === 'assess' ? 'report_title_assess' : 'report_title_plan';
    var place = doc.kind === 'plan' ? placeName(get(doc, 'meta.county') || get(doc, 'sections.county.name'),
      get(doc, 'meta.county_zh') || get(doc, 'sections.county.name_zh'),
      get(doc, 'meta.county_en') || get(doc, 'sections.county.name_en')) : null;
    document.title = t(kindTitle) + (place ? ' — ' + place : '');
    var title = document.getElementById('cs-title');
    title.textContent = t(kindTitle);
    var sub = document.getElementById('cs-subtitle');
    sub.textContent = place ? place : '';
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (n) {
      n.textContent = t(n.getAttribute('data-i18n'));
    });
    Array.prototype.forEach.call(document.querySelectorAll('.cs-lang button'), function (b) {
      b.classList.toggle('active', b.getAttribute('data-lang') === CS.lang);
      b.setAttribute('aria-pressed', b.getAttribute('data-lang') === CS.lang ? 'true' : 'false');
    });

    var main = document.getElementById('cs-main');
    var toc = document.getElementById('cs-toc-list');
    main.innerHTML = '';
    toc.innerHTML = '';
    sortedSections().forEach(function (spec) {
      if (!needsMet(spec, doc)) return;
      var sec = h('section', { class: 'cs-section', id: 'sec-' + spec.id, 'data-section': spec.id });
      var titleText = t((typeof spec.title === 'function' ? spec.title(doc) : spec.title) || spec.id);
      sec.appendChild(h('h2', { text: titleText }));
      var body = h('div', { class: 'cs-body' });
      sec.appendChild(body);
      main.appendChild(sec);
      toc.appendChild(h('li', null, [h('a', { href: '#sec-' + spec.id, text: titleText })]));
      try {
        spec.render(body, doc, ui);
      } catch (e) {
        CS.errors.push({ section: spec.id, message: String(e && e.message ? e.message : e) });
        body.appendChild(h('div', { class: 'cs-error', text: t('section_failed', { id: spec.id }) + ': ' + e.message }));
        if (window.console) console.error('countyscope report: section ' + spec.id + ' failed:', e);
      }
    });

    var foot = document.getElementById('cs-attribution');
    foot.innerHTML = attributionHtml(doc).join(' · ');
    var ver = document.getElementById('cs-version');
    ver.textContent = t('generated_by') + ' countyscope · ';
    ver.appendChild(h('code', { text: String(doc.schema || '') + ' ' + String(doc.version || '') }));
    window.scrollTo(0, scrollY);
  }

  CS.setLang = function (lang) {
    if (LANGS.indexOf(lang) < 0) return;
    CS.lang = lang;
    try {
      window.localStorage.setItem('countyscope.lang', lang);
    } catch (e) { /* file:// storage may be unavailable */ }
    renderAll();
    document.body.setAttribute('data-lang', lang);
  };

  // For tests: per map, per overlay: features, rendered SVG paths (in the DOM) and whether the overlay is shown.
  CS.mapStats = function () {
    return CS.maps.map(function (hd) {
      var layers = {};
      Object.keys(hd.overlays).forEach(function (id) {
        layers[id] = {
          features: hd.counts[id],
          shown: hd.map.hasLayer(hd.overlays[id]),
          paths: hd.el.querySelectorAll('path.cs-layer-' + id).length,
        };
      });
      return { id: hd.el.parentNode && hd.el.closest('section') ? hd.el.closest('section').getAttribute('data-section') : '', layers: layers };
    });
  };

  // The renderer embeds map layers quantised (src/report/slim.cpp): each coordinate list as [x0, y0, dx1, dy1, ...]
  // integers in 1/scale degrees, the collection marked cs_quantized: {scale}. Back to GeoJSON, in place.
  function decodeLine(a, s) {
    var out = new Array(a.length / 2);
    var x = 0, y = 0;
    for (var i = 0, k = 0; i + 1 < a.length; i += 2, k++) {
      x += a[i];
      y += a[i + 1];
      out[k] = [x / s, y / s];
    }
    return out;
  }
  function decodeGeometry(g, s) {
    var c = g.coordinates;
    switch (g.type) {
      case 'Point': g.coordinates = [c[0] / s, c[1] / s]; break;
      case 'MultiPoint': case 'LineString': g.coordinates = decodeLine(c, s); break;
      case 'MultiLineString': case 'Polygon': g.coordinates = c.map(function (l) { return decodeLine(l, s); }); break;
      case 'MultiPolygon':
        g.coordinates = c.map(function (p) { return p.map(function (l) { return decodeLine(l, s); }); });
        break;
      default: break;
    }
  }
  function decodeLayers(doc) {
    var layers = doc && doc.layers;
    if (!layers || typeof layers !== 'object') return;
    Object.keys(layers).forEach(function (k) {
      var fc = layers[k];
      if (!fc || !fc.cs_quantized || !Array.isArray(fc.features)) return;
      var s = fc.cs_quantized.scale;
      fc.features.forEach(function (f) { if (f && f.geometry) decodeGeometry(f.geometry, s); });
      delete fc.cs_quantized;
    });
  }
  CS.decodeLayers = decodeLayers;

  CS.boot = function () {
    var node = document.getElementById('cs-data');
    CS.doc = JSON.parse(node.textContent);
    decodeLayers(CS.doc);
    indexPlaces(CS.doc);
    // Service types named in the document (the user's service table) label themselves.
    var types = get(CS.doc, 'sections.county.service_types');
    if (Array.isArray(types)) {
      types.forEach(function (x) {
        if (!x || typeof x.name !== 'string') return;
        var en = {};
        var zh = {};
        if (x.label_en) en['service.' + x.name] = x.label_en;
        if (x.label_zh) zh['service.' + x.name] = x.label_zh;
        CS.addStrings({ en: en, zh: zh });
      });
    }
    var lang = null;
    var m = /(?:^|[#&])lang=(en|zh)/.exec(window.location.hash || '');
    if (m) lang = m[1];
    if (!lang) {
      try { lang = window.localStorage.getItem('countyscope.lang'); } catch (e) { lang = null; }
    }
    CS.lang = LANGS.indexOf(lang) >= 0 ? lang : 'en';
    Array.prototype.forEach.call(document.querySelectorAll('.cs-lang button'), function (b) {
      b.addEventListener('click', function () { CS.setLang(b.getAttribute('data-lang')); });
    });
    window.addEventListener('resize', function () {
      CS.charts.forEach(function (c) { c.resize(); });
      CS.maps.forEach(function (hd) { hd.map.invalidateSize(); });
    });
    // #print (countyscope report --pdf): laid out at the width of an A4 page, every folded block open.
    CS.print = /(?:^|[#&])print(?:&|$)/.test(window.location.hash || '');
    if (CS.print) document.documentElement.classList.add('cs-print');
    renderAll();
    document.body.setAttribute('data-lang', CS.lang);
    document.body.setAttribute('data-ready', '1');
  };
})();
