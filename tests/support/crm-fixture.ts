import type { RfmInput } from '../../shared/rules/rfm';

/**
 * The RFM fixture: ten members A–J who bought in the window (n = 10, so the cut points are the values
 * at ranks 2, 4, 6 and 8 in ascending order), and K, who did not (no scores, Q5).
 *
 * R (days since the last purchase; scored on −days, fewer days is better):
 *   −days ascending: J −89, I −55, H −34, G −21, F −13, E −8, D −5, C −3, B −2, A −1
 *   cuts (ranks 2, 4, 6, 8): −55, −21, −8, −3
 *   score = 1 + cuts exceeded: A 5, B 5, C 4, D 4, E 3, F 3, G 2, H 2, I 1, J 1   mean 30/10 = 3
 * F (purchases): A 12, B 1, C 9, D 2, E 7, F 3, G 10, H 1, I 8, J 2
 *   ascending: 1 1 2 2 3 7 8 9 10 12 → cuts 1, 2, 7, 9
 *   A 5, B 1, C 4, D 2, E 3 (7 is not above the cut 7), F 3, G 5, H 1, I 4, J 2   mean 30/10 = 3
 * M (spent, bucketed to 3 significant digits of yuan): A ¥12,345.67 → 12300, B 800, C 300, D 50,
 *   E 90, F 600, G 1000, H 1500, I 30, J 200
 *   ascending: 30 50 90 200 300 600 800 1000 1500 12300 → cuts 50, 200, 600, 1000
 *   A 5, B 4, C 3, D 1, E 2, F 3, G 4, H 5, I 1, J 2   mean 30/10 = 3
 * High = strictly above the mean 3 (Q4):
 *   A R5 F5 M5 → H H H 重要价值      F R3 F3 M3 → L L L 一般挽留
 *   B R5 F1 M4 → H L H 重要发展      G R2 F5 M4 → L H H 重要保持
 *   C R4 F4 M3 → H H L 一般价值      H R2 F1 M5 → L L H 重要挽留
 *   D R4 F2 M1 → H L L 一般发展      I R1 F4 M1 → L H L 一般保持
 *   E R3 F3 M2 → L L L 一般挽留      J R1 F2 M2 → L L L 一般挽留
 * Counts: 重要价值 1, 重要发展 1, 重要保持 1, 重要挽留 1, 一般价值 1, 一般发展 1, 一般保持 1, 一般挽留 3.
 */
export const RFM_FIXTURE: Record<string, RfmInput> = {
  A: { recencyDays: 1, frequency: 12, monetaryFen: 1_234_567 },
  B: { recencyDays: 2, frequency: 1, monetaryFen: 80_000 },
  C: { recencyDays: 3, frequency: 9, monetaryFen: 30_000 },
  D: { recencyDays: 5, frequency: 2, monetaryFen: 5_000 },
  E: { recencyDays: 8, frequency: 7, monetaryFen: 9_000 },
  F: { recencyDays: 13, frequency: 3, monetaryFen: 60_000 },
  G: { recencyDays: 21, frequency: 10, monetaryFen: 100_000 },
  H: { recencyDays: 34, frequency: 1, monetaryFen: 150_000 },
  I: { recencyDays: 55, frequency: 8, monetaryFen: 3_000 },
  J: { recencyDays: 89, frequency: 2, monetaryFen: 20_000 },
};
export const EXPECTED_SCORES: Record<string, [number, number, number]> = {
  A: [5, 5, 5],
  B: [5, 1, 4],
  C: [4, 4, 3],
  D: [4, 2, 1],
  E: [3, 3, 2],
  F: [3, 3, 3],
  G: [2, 5, 4],
  H: [2, 1, 5],
  I: [1, 4, 1],
  J: [1, 2, 2],
};
export const EXPECTED_SEGMENTS: Record<string, string> = {
  A: '重要价值',
  B: '重要发展',
  C: '一般价值',
  D: '一般发展',
  E: '一般挽留',
  F: '一般挽留',
  G: '重要保持',
  H: '重要挽留',
  I: '一般保持',
  J: '一般挽留',
};
export const EXPECTED_COUNTS: Record<string, number> = {
  重要价值: 1,
  重要发展: 1,
  重要保持: 1,
  重要挽留: 1,
  一般价值: 1,
  一般发展: 1,
  一般保持: 1,
  一般挽留: 3,
};
