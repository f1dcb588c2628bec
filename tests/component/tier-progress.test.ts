/**
 * The native <tier-progress> component (client/native/tier-progress), rendered by
 * miniprogram-simulate the way tdesign-miniprogram tests its components.
 */
import path from 'node:path';
import simulate from 'miniprogram-simulate';

const componentPath = path.resolve(__dirname, '../../client/native/tier-progress/index');

// Load once: miniprogram-simulate registers a path a single time (a second load answers no id).
let id: string;
beforeAll(() => {
  id = simulate.load(componentPath);
});

function mount(props: Record<string, unknown>) {
  const comp = simulate.render(id, props);
  const parent = document.createElement('parent-wrapper');
  comp.attach(parent);
  return comp;
}

function barStyle(comp: ReturnType<typeof mount>): string {
  const bar = comp.querySelector('.tier-progress__bar');
  if (!bar) throw new Error('bar not rendered');
  return bar.dom?.getAttribute('style') ?? '';
}

function text(comp: ReturnType<typeof mount>, selector: string): string {
  const el = comp.querySelector(selector);
  if (!el) throw new Error(`${selector} not rendered`);
  return el.dom?.textContent?.trim() ?? '';
}

describe('tier-progress', () => {
  test('renders the label and a bar as wide as the percent', () => {
    const comp = mount({ percent: 62, label: '再获得 380 成长值升级为「金卡」' });
    expect(text(comp, '.tier-progress__label')).toBe('再获得 380 成长值升级为「金卡」');
    expect(text(comp, '.tier-progress__value')).toBe('62%');
    expect(barStyle(comp)).toContain('width: 62%');
    expect(comp.data.width).toBe(62);
  });

  test('omits the label when none is given', () => {
    const comp = mount({ percent: 10 });
    expect(comp.querySelector('.tier-progress__label')).toBeFalsy();
    expect(barStyle(comp)).toContain('width: 10%');
  });

  test('clamps a percent below 0 to 0', () => {
    const comp = mount({ percent: -20, label: 'x' });
    expect(comp.data.width).toBe(0);
    expect(barStyle(comp)).toContain('width: 0%');
    expect(text(comp, '.tier-progress__value')).toBe('0%');
  });

  test('clamps a percent above 100 to 100', () => {
    const comp = mount({ percent: 250, label: 'x' });
    expect(comp.data.width).toBe(100);
    expect(barStyle(comp)).toContain('width: 100%');
  });

  test('re-clamps when the parent changes percent', () => {
    const comp = mount({ percent: 30, label: 'x' });
    comp.setData({ percent: 140 });
    expect(comp.data.width).toBe(100);
    expect(barStyle(comp)).toContain('width: 100%');
    comp.setData({ percent: -1 });
    expect(comp.data.width).toBe(0);
    comp.setData({ percent: 45.5 });
    expect(barStyle(comp)).toContain('width: 45.5%');
    expect(text(comp, '.tier-progress__value')).toBe('45.5%');
  });

  test('uses the given colour for the bar', () => {
    const comp = mount({ percent: 50, color: '#d4af37' });
    expect(barStyle(comp)).toMatch(/background-color: #d4af37/);
  });
});
