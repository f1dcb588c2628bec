import { useCallback, useEffect, useRef, useState } from 'react'
import type { Result } from '@shared/envelope'

/** A remote value's state: the one shape every page and section renders by `switch`. */
export type Remote<T> = { status: 'loading' } | { status: 'error'; code: string; message: string } | { status: 'ready'; data: T }

/**
 * Loads `load()` on mount (and on `reload()`), keeping loading / error / ready in one place.
 * `reload({ quiet: true })` keeps the current data on screen while it refreshes; a failed quiet
 * refresh keeps the data too and reports the failure in `refreshError`, so a page never goes blank
 * because one refresh failed.
 */
export function useRemote<T>(load: () => Promise<Result<T>>, deps: readonly unknown[] = []) {
  const [state, setState] = useState<Remote<T>>({ status: 'loading' })
  const [refreshError, setRefreshError] = useState<string | null>(null)
  const current = useRef(0)

  // The caller names the dependencies (a non-literal list is the point of the hook).
  // eslint-disable-next-line react-hooks/exhaustive-deps, react-hooks/use-memo
  const loader = useCallback(load, deps)

  const reload = useCallback(
    async (options: { quiet?: boolean } = {}) => {
      const ticket = ++current.current
      if (!options.quiet) setState({ status: 'loading' })
      const res = await loader()
      if (ticket !== current.current) return res
      if (res.ok) {
        setState({ status: 'ready', data: res.data })
        setRefreshError(null)
      } else {
        setState((prev) => (options.quiet && prev.status === 'ready' ? prev : { status: 'error', code: res.code, message: res.message }))
        if (options.quiet) setRefreshError(res.message)
      }
      return res
    },
    [loader],
  )

  useEffect(() => {
    void reload()
  }, [reload])

  const setData = useCallback((data: T) => setState({ status: 'ready', data }), [])
  return { state, reload, setData, refreshError }
}
