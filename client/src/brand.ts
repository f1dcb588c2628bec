/** One deployment serves one brand (docs: architecture): its name as members see it. */
export const BRAND_NAME = '拾光咖啡'
export const BRAND_SLOGAN = '每一杯都算数'
