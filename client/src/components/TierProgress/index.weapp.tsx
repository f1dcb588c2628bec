import type { TierProgressProps } from './index'

/**
 * weapp: the native `<tier-progress>` (declared in the card page's `usingComponents`); it clamps the
 * percent itself, so a bad value never reaches the template. Written as JSX so Taro's template
 * generator sees which attributes the native component takes.
 */
export function TierProgress({ percent, color }: TierProgressProps) {
  return <tier-progress percent={percent} color={color} />
}
