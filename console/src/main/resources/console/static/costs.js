// Draws the overview's cost chart from the console's costs endpoint: the month's cost to date at the end of each day
// (a line), and the plan's monthly cap (a flat line; none when the plan has no cap).
(function () {
  'use strict';

  var target = document.getElementById('chart-cost');

  function draw(data) {
    var xs = data.days.map(function (_, i) { return i; });
    var cap = data.days.map(function () { return data.cap_usd === null ? null : data.cap_usd; });
    var top = Math.max(0.01, data.cap_usd === null ? 0 : data.cap_usd, data.cumulative_usd.length ? data.cumulative_usd[data.cumulative_usd.length - 1] : 0);
    var opts = {
      width: Math.max(320, target.clientWidth || 480),
      height: 240,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [0, Math.max(1, xs.length - 1)] }, y: { range: [0, top * 1.15] } },
      axes: [
        { values: function (u, splits) { return splits.map(function (i) { return Number.isInteger(i) && data.days[i] ? data.days[i].slice(5) : ''; }); } },
        { size: 70, values: function (u, splits) { return splits.map(function (v) { return '$' + v.toFixed(2); }); } }
      ],
      series: [
        {},
        { label: 'cost to date', stroke: '#2b6cb0', width: 2, fill: 'rgba(43,108,176,0.15)', points: { show: xs.length < 2 } },
        { label: 'cap', stroke: '#c53030', width: 2, dash: [6, 4], points: { show: false } }
      ],
      hooks: { draw: [function () { target.setAttribute('data-drawn', 'true'); }] }
    };
    return new uPlot(opts, [xs, data.cumulative_usd, cap], target);
  }

  fetch('/console/api/costs', { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) {
        throw new Error('the costs could not be read (HTTP ' + response.status + ')');
      }
      return response.json();
    })
    .then(draw)
    .catch(function (e) {
      target.textContent = 'The chart is not available: ' + e.message;
      target.className += ' chart-error';
    });
})();
