// Draws the usage page's chart: one line per group over the periods of the chosen range, from the console's usage
// analytics endpoint (the page puts its validated query in data-query).
(function () {
  'use strict';
  var target = document.getElementById('usage-chart');
  if (!target) {
    return;
  }
  var COLOURS = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1', '#b83280', '#2c7a7b', '#975a16', '#4a5568', '#718096'];

  function draw(data) {
    if (data.periods.length === 0) {
      target.textContent = 'Nothing to draw: no usage in this range.';
      target.setAttribute('data-drawn', 'empty');
      return;
    }
    var series = [{}].concat(data.series.map(function (s, i) {
      var colour = COLOURS[i % COLOURS.length];
      return { label: s.label, stroke: colour, width: 2, points: { show: true, size: 6, stroke: colour, fill: colour } };
    }));
    var opts = {
      width: Math.max(320, target.clientWidth || 800),
      height: 300,
      series: series,
      axes: [{}, { size: 70, label: data.measure }],
      scales: {
        x: { time: true, range: function () { return [data.from, data.to]; } },
        y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.1]; } }
      },
      hooks: { draw: [function () { target.setAttribute('data-drawn', 'true'); }] }
    };
    var columns = [data.periods].concat(data.series.map(function (s) { return s.values; }));
    return new uPlot(opts, columns, target);
  }

  fetch('/console/api/usage-analytics?' + target.getAttribute('data-query'), { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) {
        throw new Error('the usage could not be read (HTTP ' + response.status + ')');
      }
      return response.json();
    })
    .then(draw)
    .catch(function (e) {
      target.textContent = 'The chart is not available: ' + e.message;
      target.className += ' chart-error';
    });
})();
