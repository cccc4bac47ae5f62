import { Link } from "react-router";
import { Empty } from "../components/Status";

export default function NotFoundPage() {
  return (
    <Empty title="Nothing here">
      This address matches no page of the dashboard. <Link to="/">Go to the overview</Link>.
    </Empty>
  );
}
