import type { ReactNode } from 'react'
import { View, Text } from '@tarojs/components'

/** One console section's frame. */
export function Section({ className, children }: { className: string; children: ReactNode }) {
  return <View className={`merchant-section ${className}`}>{children}</View>
}

export function ErrorText({ message }: { message: string | null }) {
  return message ? <Text className='merchant-error'>{message}</Text> : null
}

/** A section still loading its data, or failed to. */
export function SectionLoading({ error }: { error: string | null }) {
  return error ? <ErrorText message={error} /> : <Text className='merchant-status'>加载中…</Text>
}

/** Digits only; null when empty or not a whole number. */
export function wholeNumber(text: string): number | null {
  return /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : null
}
