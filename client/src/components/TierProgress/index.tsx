import { Progress } from '@/components/nutui'

export interface TierProgressProps {
  /** 0–100 */
  percent: number
  color: string
  className?: string
}

/**
 * The bar to the next tier. H5 draws NutUI's Progress; the weapp build uses the native
 * `tier-progress` component (`index.weapp.tsx`, client/native/tier-progress, tested under
 * miniprogram-simulate).
 */
export function TierProgress({ percent, color, className }: TierProgressProps) {
  return <Progress className={className} percent={percent} color={color} strokeWidth='6' showText={false} />
}
