import { useCallback, useRef, useState, type ReactNode } from 'react'
import { Dialog } from '@/components/nutui'

interface ConfirmOptions {
  title: string
  /** what will happen, in the clerk's words */
  content: ReactNode
  confirmText: string
  cancelText?: string
  /** a class on the dialog, for tests and a warning style */
  className?: string
}

type Asking = ConfirmOptions & { resolve: (ok: boolean) => void }

/**
 * Ask before it costs: `await confirm({...})` shows a NutUI Dialog saying what will happen and
 * answers whether the clerk confirmed. Render `dialog` once in the component.
 */
export function useConfirm() {
  const [asking, setAsking] = useState<Asking | null>(null)
  // The answer is given once, whether by a button or by closing the dialog.
  const answered = useRef(false)
  const confirm = useCallback(
    (options: ConfirmOptions) =>
      new Promise<boolean>((resolve) => {
        answered.current = false
        setAsking({ ...options, resolve })
      }),
    [],
  )
  const answer = (ok: boolean) => {
    if (!asking || answered.current) return
    answered.current = true
    asking.resolve(ok)
    setAsking(null)
  }
  const dialog = (
    <Dialog
      className={`staff-dialog ${asking?.className ?? ''}`}
      visible={asking !== null}
      title={asking?.title ?? ''}
      confirmText={asking?.confirmText ?? '确定'}
      cancelText={asking?.cancelText ?? '取消'}
      onConfirm={() => answer(true)}
      onCancel={() => answer(false)}
      onClose={() => answer(false)}
    >
      {asking?.content}
    </Dialog>
  )
  return { confirm, dialog }
}
