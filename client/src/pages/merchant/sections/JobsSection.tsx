import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import type { JobRunView } from '@shared/contracts/scheduler'
import { listJobRuns, listJobs } from '@/api/marketing'
import { Button } from '@/components/nutui'
import { dateTime } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import { Section, SectionLoading } from './common'

/** The 7-field cron (`sec min hour day month weekday year`) in words where it is a plain daily or weekly time. */
function describeCron(cron: string): string {
  const [sec, min, hour, day, month, weekday] = cron.split(/\s+/)
  const at = /^\d+$/.test(hour ?? '') && /^\d+$/.test(min ?? '') && sec === '0' ? `${hour.padStart(2, '0')}:${min.padStart(2, '0')}` : null
  if (at && day === '*' && month === '*' && (weekday === '*' || weekday === '?')) return `每天 ${at}（北京时间）`
  return cron
}

function RunLine({ run }: { run: JobRunView }) {
  return (
    <View className='merchant-job-run'>
      <Text className='merchant-hint'>
        开始 {dateTime(run.startedAt)} · {run.status === 'done' ? `结束 ${dateTime(run.finishedAt)}` : '进行中'}
      </Text>
      <Text className='merchant-job-run__counts'>
        处理 {run.processed} · 跳过 {run.skipped} · 错误 {run.errors}
        {run.invocations > 1 ? ` · 分 ${run.invocations} 次执行` : ''}
      </Text>
      {run.failures.slice(0, 3).map((f) => (
        <Text key={f.memberId} className='merchant-error'>
          {f.memberId}：{f.error}
        </Text>
      ))}
    </View>
  )
}

function JobHistory({ job }: { job: string }) {
  const runs = useRemote(() => listJobRuns(job), [job])
  if (runs.state.status !== 'ready') return <SectionLoading error={runs.state.status === 'error' ? runs.state.message : null} />
  if (runs.state.data.length === 0) return <Text className='merchant-empty'>暂无运行记录</Text>
  return (
    <View className='merchant-job-history'>
      {runs.state.data.map((r) => (
        <RunLine key={r.runId} run={r} />
      ))}
    </View>
  )
}

/** 任务记录: every scheduled job with its schedule and its last run; a job's recent runs on demand. */
export function JobsSection() {
  const jobs = useRemote(() => listJobs(), [])
  const [open, setOpen] = useState<string | null>(null)
  if (jobs.state.status !== 'ready')
    return (
      <Section className='merchant-jobs'>
        <SectionLoading error={jobs.state.status === 'error' ? jobs.state.message : null} />
      </Section>
    )
  return (
    <Section className='merchant-jobs'>
      <Button size='small' className='merchant-jobs-refresh' onClick={() => void jobs.reload({ quiet: true })}>
        刷新
      </Button>
      {jobs.state.data.map((j) => (
        <View key={j.job} className={`merchant-access-item merchant-job merchant-job--${j.job}`}>
          <Text className='merchant-access-item__who'>
            {j.title}（{j.job}）
          </Text>
          <Text className='merchant-hint'>
            计划：{describeCron(j.cron)} · 下次 {j.nextAt ? dateTime(j.nextAt) : '—'}
          </Text>
          {j.lastRun ? <RunLine run={j.lastRun} /> : <Text className='merchant-empty'>尚未运行</Text>}
          <Button size='small' className='merchant-job-history-toggle' onClick={() => setOpen(open === j.job ? null : j.job)}>
            {open === j.job ? '收起' : '最近运行'}
          </Button>
          {open === j.job ? <JobHistory job={j.job} /> : null}
        </View>
      ))}
    </Section>
  )
}
