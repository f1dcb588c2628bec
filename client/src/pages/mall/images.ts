/** The URL to draw a picture from: an https picture as it is, a cloud file through the temporary URL the function gave ('' if none). */
export const imageSrc = (ref: string | undefined, urls: Record<string, string>): string => (!ref ? '' : /^https:\/\//i.test(ref) ? ref : (urls[ref] ?? ''))
