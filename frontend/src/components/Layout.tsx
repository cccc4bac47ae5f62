import { Suspense } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { ErrorBoundary } from "./ErrorBoundary";
import { LiveSwitch } from "./LiveSwitch";
import { Loading } from "./Status";

const NAV = [
  { to: "/", label: "Overview", end: true },
  { to: "/jobs", label: "Jobs", end: false },
  { to: "/queues", label: "Queues", end: false },
  { to: "/schedules", label: "Schedules", end: false },
  { to: "/workers", label: "Workers", end: false },
];

/** The one navigation, the live switch, and the current page. */
export function Layout() {
  const location = useLocation();
  const inJob = location.pathname.startsWith("/job/");
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand" aria-label="Roost">
          <span className="brand-mark" aria-hidden="true" />
          Roost
        </div>
        <nav aria-label="Main">
          <ul className="nav">
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  end={item.end}
                  className={({ isActive }) =>
                    isActive || (inJob && item.to === "/jobs") ? "nav-link active" : "nav-link"
                  }
                >
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <LiveSwitch />
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <ErrorBoundary key={location.pathname}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
