import { useEffect, useState } from 'react'
import { AUTO_TAGS } from '@shared/rules/member-tags'
import { DEFAULT_TIERS } from '@shared/rules/tiers'
import { listTags } from '@/api/crm'
import { getTierConfig } from '@/api/member'
import type { StaffRole } from '@/hooks/useRequireRole'
import type { FilterOptions } from './FilterForm'

/** What the filter offers: the merchant's tiers, every tag (automatic and manual), the stores. */
export function useFilterOptions(role: StaffRole): FilterOptions & { tierName: (id: string) => string; storeName: (id: string) => string } {
  const [tiers, setTiers] = useState<{ id: string; name: string; color?: string }[]>(DEFAULT_TIERS.map((t) => ({ id: t.id, name: t.name, color: t.color })))
  const [tags, setTags] = useState<string[]>([...AUTO_TAGS])
  useEffect(() => {
    void getTierConfig().then((res) => {
      if (res.ok) setTiers(res.data.config.tiers.map((t) => ({ id: t.id, name: t.name, color: t.color })))
    })
    void listTags().then((res) => {
      if (res.ok) setTags([...res.data.auto.map((t) => t.tag), ...res.data.manual.map((t) => t.tag)])
    })
  }, [])
  const stores = (role.stores ?? []).map((s) => ({ id: s.id, name: s.name }))
  return {
    tiers,
    tags,
    stores,
    tierName: (id) => tiers.find((t) => t.id === id)?.name ?? id,
    storeName: (id) => stores.find((s) => s.id === id)?.name ?? id,
  }
}
