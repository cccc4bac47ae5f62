import { BrowserRouter, Navigate, Route, Routes, useLocation, useParams } from "react-router";
import { Layout } from "./components/Layout";
import { config } from "./config";
import JobListPage from "./pages/JobListPage";
import JobPage from "./pages/JobPage";
import JobsPage from "./pages/JobsPage";
import NotFoundPage from "./pages/NotFoundPage";
import OverviewPage from "./pages/OverviewPage";
import QueuesPage from "./pages/QueuesPage";
import SchedulesPage from "./pages/SchedulesPage";
import WorkersPage from "./pages/WorkersPage";
import { STATES } from "./services/states";

// Pages are small and load with the app: a lazy page would suspend each first navigation for
// React's fallback throttle (about 300 ms). Only the chart library loads on demand.
export function App() {
  return (
    <BrowserRouter basename={config.rootPath || "/"}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<OverviewPage />} />
          <Route path="jobs" element={<JobsPage />} />
          <Route path="jobs/:queue" element={<FirstStateRedirect />} />
          <Route path="jobs/:queue/:state" element={<JobListPage />} />
          <Route path="job/:id" element={<JobPage />} />
          <Route path="queues" element={<QueuesPage />} />
          <Route path="schedules" element={<SchedulesPage />} />
          <Route path="workers" element={<WorkersPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}

/** A queue without a state opens at its first tab, keeping any filters. */
function FirstStateRedirect() {
  const { queue = "" } = useParams();
  const { search } = useLocation();
  return <Navigate replace to={`/jobs/${encodeURIComponent(queue)}/${STATES[0]}${search}`} />;
}
