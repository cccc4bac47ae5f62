import type { ReactNode } from "react";
import { Link } from "react-router";

export interface Crumb {
  label: string;
  to?: string;
}

interface PageHeaderProps {
  title: ReactNode;
  crumbs?: Crumb[];
  children?: ReactNode;
}

/** The page's title, where it sits in the drill-down, and its page-wide actions. */
export function PageHeader({ title, crumbs, children }: PageHeaderProps) {
  return (
    <div className="page-header">
      <div>
        {crumbs && crumbs.length > 0 && (
          <nav aria-label="Breadcrumb">
            <ol className="crumbs">
              {crumbs.map((crumb, i) => (
                <li key={i}>{crumb.to ? <Link to={crumb.to}>{crumb.label}</Link> : crumb.label}</li>
              ))}
            </ol>
          </nav>
        )}
        <h1>{title}</h1>
      </div>
      {children && <div className="page-actions">{children}</div>}
    </div>
  );
}
