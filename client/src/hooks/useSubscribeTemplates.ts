import { useEffect, useState } from 'react'
import type { MessagePurpose } from '@shared/contracts/marketing'
import { call } from '@/api/client'
import { subscribeTitles } from '@/api/subscribe'

/**
 * The template ids of the given purposes, loaded ahead of the tap that asks for them: WeChat's
 * subscription dialog must open from the tap itself, so the ids cannot be fetched after it.
 */
export function useSubscribeTemplates(purposes: readonly MessagePurpose[]): string[] {
  const [ids, setIds] = useState<string[]>([])
  const key = purposes.join(',')
  useEffect(() => {
    let live = true
    void call('marketing', 'listTemplates', {}).then((res) => {
      if (!live || !res.ok) return
      const mine = res.data.filter((t) => t.active && purposes.includes(t.purpose))
      for (const t of mine) subscribeTitles.set(t.templateId, t.title)
      setIds(mine.map((t) => t.templateId))
    })
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for the purposes
  }, [key])
  return ids
}
