import { Result } from 'antd';
import { useParams } from 'react-router';
import { FlowsPage } from './FlowsPage.js';
import { PromptsPage } from './PromptsPage.js';
import { ResourcePage } from './ResourcePage.js';
import { tableResources } from './resources.js';

/** /admin/:resource → the page of that resource. */
export function AdminPage() {
  const { resource: key } = useParams();
  if (key === 'flows') return <FlowsPage />;
  if (key === 'prompts') return <PromptsPage />;
  const resource = tableResources.find((r) => r.key === key);
  if (resource === undefined) return <Result status="404" />;
  return <ResourcePage key={resource.key} resource={resource} />;
}
