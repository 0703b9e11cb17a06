/**
 * The cases on the customer card: the customer's latest (or, for a caller nobody knows, those
 * opened from this call), with 新建工单 once the agent has the call (FEATURES G2). A case opened
 * here shows at the top at once.
 */
import { Card, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { api, type Page } from '../api.js';
import { useI18n } from '../i18n.js';
import { CaseForm } from './CaseForm.js';
import type { Case, Customer, Interaction } from './model.js';

const RECENT = 5;

export interface CustomerCasesProps {
  interaction: Interaction;
  customer: Customer | null | undefined;
}

export function CustomerCases({ interaction, customer }: CustomerCasesProps) {
  const { t } = useI18n();
  const [cases, setCases] = useState<Case[]>();
  const owner = customer === undefined ? undefined : customer === null ? `interaction_id=${interaction.id}` : `customer_id=${customer.id}`;

  useEffect(() => {
    if (owner === undefined) return;
    let current = true;
    api<Page<Case>>('GET', `/cases?${owner}&limit=${RECENT}`).then(
      (page) => current && setCases(page.items),
      () => current && setCases([]),
    );
    return () => {
      current = false;
    };
  }, [owner]);

  const opened = (row: Case) => setCases((rows) => [row, ...(rows ?? []).filter((r) => r.id !== row.id)].slice(0, RECENT));
  return (
    <Card
      size="small"
      type="inner"
      title={t('case.title')}
      style={{ marginTop: 12 }}
      data-testid="customer-cases"
      extra={interaction.answeredAt !== null && <CaseForm interaction={interaction} customer={customer} onOpened={opened} />}
    >
      <Table<Case>
        size="small"
        rowKey="id"
        loading={cases === undefined}
        dataSource={cases ?? []}
        pagination={false}
        locale={{ emptyText: t('case.none') }}
        columns={[
          { title: t('case.number'), dataIndex: 'number', render: (number: string) => <span data-testid={`case-${number}`}>{number}</span> },
          { title: t('case.type'), dataIndex: 'type', render: (type: Case['type']) => t(`case.${type}`) },
          { title: t('case.subject'), dataIndex: 'subject', render: (subject: string, row) => <>{subject}{row.priority === 'urgent' && <Tag color="red" style={{ marginLeft: 8 }}>{t('case.urgent')}</Tag>}</> },
          { title: t('case.status'), dataIndex: 'status', render: (status: Case['status']) => <Tag color={status === 'open' ? 'blue' : status === 'closed' ? 'default' : 'gold'}>{t(`caseStatus.${status}`)}</Tag> },
          { title: t('case.createdAt'), dataIndex: 'createdAt', render: (at: string) => new Date(at).toLocaleString() },
        ]}
      />
    </Card>
  );
}
