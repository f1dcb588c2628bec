import { useRef, useState } from 'react'
import { Dialog } from './kit'

interface Ask {
  title: string
  content: string
  confirmText: string
}

/**
 * Ask before anything that costs someone something: a NutUI Dialog that says what will happen.
 * `confirm(...)` resolves true on the confirm button, false on cancel or close; render `dialog` once.
 */
export function useConfirm() {
  const [ask, setAsk] = useState<Ask | null>(null)
  const resolver = useRef<((yes: boolean) => void) | null>(null)
  const settle = (yes: boolean) => {
    resolver.current?.(yes)
    resolver.current = null
    setAsk(null)
  }
  const confirm = (title: string, content: string, confirmText = '确定') =>
    new Promise<boolean>((resolve) => {
      resolver.current?.(false)
      resolver.current = resolve
      setAsk({ title, content, confirmText })
    })
  const dialog = (
    <Dialog
      className='merchant-confirm'
      visible={ask !== null}
      title={ask?.title}
      content={ask?.content}
      confirmText={ask?.confirmText ?? '确定'}
      cancelText='取消'
      onConfirm={() => settle(true)}
      onCancel={() => settle(false)}
      onClose={() => settle(false)}
    />
  )
  return { confirm, dialog }
}
