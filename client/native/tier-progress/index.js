/**
 * <tier-progress percent="{{62}}" label="再获得 380 成长值升级为「金卡」" />
 * A native mini-program progress bar with a label. `percent` is clamped to 0–100 (NaN → 0)
 * in an observer so the template only ever sees a safe width.
 */
function clampPercent(value) {
  var n = Number(value)
  if (!isFinite(n)) return 0
  if (n < 0) return 0
  if (n > 100) return 100
  return Math.round(n * 100) / 100
}

Component({
  options: { addGlobalClass: false },
  properties: {
    percent: { type: Number, value: 0 },
    label: { type: String, value: '' },
    color: { type: String, value: '#c8102e' },
  },
  data: {
    width: 0,
  },
  observers: {
    percent: function (percent) {
      this.setData({ width: clampPercent(percent) })
    },
  },
  lifetimes: {
    attached: function () {
      this.setData({ width: clampPercent(this.data.percent) })
    },
  },
})
