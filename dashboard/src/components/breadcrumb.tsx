import type { ComponentChildren } from 'preact';

/** One step of a drill: what it is, and where it is (none for the page one is on). */
export interface Crumb {
  label: string;
  href?: string;
}

/**
 * A drilled page: the breadcrumb back up (each step a link, the current one
 * marked), the level's heading (the focus moves to it when the level
 * changes: see the shell), then what the level shows.
 */
export function Drill({ crumbs, title, description, children }: { crumbs: Crumb[]; title: string; description?: ComponentChildren; children: ComponentChildren }) {
  return (
    <div class="drill-level" data-level={crumbs.length - 1}>
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <ol>
          {crumbs.map((crumb, index) => (
            <li key={index}>
              {index < crumbs.length - 1 && crumb.href ? (
                <a href={crumb.href} data-crumb={index}>
                  {crumb.label}
                </a>
              ) : (
                <span aria-current="page">{crumb.label}</span>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <h3 class="drill-title" tabIndex={-1} data-drill-heading>
        {title}
      </h3>
      {description && <p class="description">{description}</p>}
      {children}
    </div>
  );
}
