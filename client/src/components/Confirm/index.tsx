import { useCallback, useRef, useState, type ReactElement } from 'react'
import { Dialog } from '@/components/nutui'
import './index.scss'

interface ConfirmOptions {
  title: string
  /** what will happen, in the member's words (what it costs, what cannot be undone) */
  content: string
  confirmText?: string
  cancelText?: string
  /** a class for tests and page styles, e.g. `profile-birthday-confirm` */
  className?: string
}

/**
 * Ask before it costs: one NutUI Dialog per page, opened by `confirm(options)`, answering whether the
 * person confirmed. Every action that spends points or cannot be undone goes through it, so every such
 * question looks and behaves the same (the kit's dialog, never a hand-rolled one or a native modal).
 */
export function useConfirm(): { confirm: (options: ConfirmOptions) => Promise<boolean>; confirmDialog: ReactElement } {
  const [asked, setAsked] = useState<ConfirmOptions | null>(null)
  const answer = useRef<((yes: boolean) => void) | null>(null)
  const settle = useCallback((yes: boolean) => {
    answer.current?.(yes)
    answer.current = null
    setAsked(null)
  }, [])
  const confirm = useCallback((options: ConfirmOptions) => {
    answer.current?.(false)
    setAsked(options)
    return new Promise<boolean>((resolve) => {
      answer.current = resolve
    })
  }, [])
  const confirmDialog = (
    <Dialog
      className={`confirm-dialog ${asked?.className ?? ''}`}
      visible={asked !== null}
      title={asked?.title ?? ''}
      content={asked?.content ?? ''}
      confirmText={asked?.confirmText ?? '确定'}
      cancelText={asked?.cancelText ?? '取消'}
      onConfirm={() => settle(true)}
      onCancel={() => settle(false)}
      onClose={() => settle(false)}
    />
  )
  return { confirm, confirmDialog }
}
