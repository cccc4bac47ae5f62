import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { useRefresh } from "../hooks/useRefresh";
import { jobPath } from "../lib/paths";
import { jobKeys, type JobDetail } from "../services/jobs";
import { queueKeys } from "../services/queues";
import { statsKeys } from "../services/stats";
import { NewJobPanel } from "./NewJobPanel";

/** The "New job" button and its panel; a created job opens on its own page. */
export function NewJobButton({ queue }: { queue?: string }) {
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const refresh = useRefresh([jobKeys.lists(), queueKeys.all, statsKeys.current]);

  const created = (job: JobDetail) => {
    queryClient.setQueryData(jobKeys.detail(job.id), job);
    refresh();
    navigate(jobPath(job.id), { state: { notice: createdNotice(job) } });
  };

  return (
    <>
      <button type="button" className="button button-primary" onClick={() => setOpen(true)}>
        New job
      </button>
      {open && <NewJobPanel queue={queue} onCreated={created} onClose={() => setOpen(false)} />}
    </>
  );
}

/** What became of a new job, such as "Job #12 enqueued on queue mail." */
export function createdNotice(job: JobDetail): string {
  if (job.state === "scheduled" && job.runAt) {
    const at = job.runAt.toLocaleString();
    return `Job #${job.id} scheduled on queue ${job.queue} to run at ${at}.`;
  }
  return `Job #${job.id} enqueued on queue ${job.queue}.`;
}
